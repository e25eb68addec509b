// Package natsflags reads the command line that nats-server gets in the third-party
// deploy tests, so a fault binary shipped in its place starts with the same arguments.
package natsflags

import (
	"flag"
	"net"
	"os"
)

// Options are the listen settings of nats-server that the fault binaries honour.
type Options struct {
	Addr        string
	ClientPort  string
	MonitorPort string
}

// Parse reads -a, -p and -m as nats-server does and exits 2 on anything else, like a
// program that rejects its command line.
func Parse(name string) Options {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	var o Options
	fs.StringVar(&o.Addr, "a", "0.0.0.0", "bind address")
	fs.StringVar(&o.ClientPort, "p", "4222", "client port")
	fs.StringVar(&o.MonitorPort, "m", "8222", "monitoring port")
	_ = fs.Parse(os.Args[1:])
	return o
}

// MonitorAddr is where nats-server would serve /healthz and /varz.
func (o Options) MonitorAddr() string {
	return net.JoinHostPort(o.Addr, o.MonitorPort)
}
