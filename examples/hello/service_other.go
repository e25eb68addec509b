//go:build !windows

package main

// serviceMode is always false outside Windows; -service is only noted.
func serviceMode(a *app) bool {
	if a.cfg.service {
		a.out.Printf("-service ignored: not running on Windows")
	}
	return false
}

// runService is never called outside Windows.
func (a *app) runService() int {
	return a.runConsole()
}
