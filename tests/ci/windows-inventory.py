"""Write the inventory for a real Windows host reached at localhost (a hosted Windows runner,
see .github/workflows/windows.yml): one host in group windows, over OpenSSH (cmd, Windows
PowerShell 5.1 or PowerShell 7 as the shell) or WinRM (Windows PowerShell 5.1)."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Dict, List, Union

TRANSPORTS: Dict[str, Dict[str, Union[str, int]]] = {
    # sshd's DefaultShell decides which shell runs the commands; Ansible must know which.
    "ssh-cmd": {"ansible_connection": "ssh", "ansible_shell_type": "cmd", "ansible_port": 22},
    "ssh-powershell": {"ansible_connection": "ssh", "ansible_shell_type": "powershell", "ansible_port": 22},
    "ssh-pwsh": {"ansible_connection": "ssh", "ansible_shell_type": "powershell", "ansible_port": 22},
    "winrm": {
        "ansible_connection": "winrm",
        "ansible_port": 5985,
        "ansible_winrm_scheme": "http",
        "ansible_winrm_transport": "ntlm",
    },
}


def inventory(transport: str, host: str, user: str, key: str, password_env: str, nssm: str) -> Dict[str, object]:
    """The inventory as a dict, ready to dump as YAML or JSON (JSON is YAML)."""
    if transport not in TRANSPORTS:
        raise ValueError("unknown transport %r: use one of %s" % (transport, ", ".join(sorted(TRANSPORTS))))
    hostvars: Dict[str, object] = {"ansible_host": host, "ansible_user": user, "nssm_binary": nssm}
    hostvars.update(TRANSPORTS[transport])
    if transport.startswith("ssh-"):
        if not key:
            raise ValueError("transport %s needs --key (the private key the runner's sshd accepts)" % transport)
        hostvars["ansible_ssh_private_key_file"] = key
        # The runner's host key is new on every run.
        hostvars["ansible_ssh_common_args"] = "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
    else:
        if not password_env:
            raise ValueError("transport winrm needs --password-env (the variable that holds the user's password)")
        # Read when Ansible runs, so the password is never written to the file.
        hostvars["ansible_password"] = "{{ lookup('ansible.builtin.env', '%s') }}" % password_env
    name = "win-%s" % transport
    return {"windows": {"hosts": {name: hostvars}}}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transport", required=True, choices=sorted(TRANSPORTS))
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--user", required=True)
    parser.add_argument("--key", default="", help="private key file (ssh transports)")
    parser.add_argument("--password-env", default="", help="environment variable with the password (winrm)")
    parser.add_argument("--nssm", required=True, help="controller path of nssm.exe")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    try:
        data = inventory(args.transport, args.host, args.user, args.key, args.password_env, args.nssm)
    except ValueError as exc:
        print("windows-inventory: %s" % exc, file=sys.stderr)
        return 2
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# Written by tests/ci/windows-inventory.py\n")
        json.dump(data, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
