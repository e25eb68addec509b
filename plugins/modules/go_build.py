#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: svcwright.services contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: go_build
short_description: Build a Go service binary on the controller, once per target platform
version_added: 0.1.0
description:
  - Cross-compiles a Go module on the controller for the platform of each host the task runs for, with
    C(CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "<ldflags> -X <version_var>=<version>"),
    and returns the path of the binary for the deploy step to copy.
  - Builds once per platform, not once per host. The binary is cached in O(output_dir) under a key that
    covers every file under O(src), the platform, the version, the flags, the tags, O(env) and the Go
    toolchain's version and settings. A key that is already built is reused, so an unchanged source is
    never built again, and any change (one file, the version, the Go release) builds a new binary.
  - When several hosts of one platform run the task at the same time (one Ansible fork each), one of them
    builds while the others wait for it on a lock file of that key, then reuse its binary. Only the host
    that built reports C(changed).
  - The platform comes from the inventory, not from facts, so no fact gathering is needed. C(GOOS) is
    O(goos), else the host variable C(svcw_goos), else V(windows) for hosts reached through a Windows shell
    (C(ansible_shell_type) V(cmd) or V(powershell), as with C(winrm), C(psrp) and Windows OpenSSH) and
    V(linux) for all others. C(GOARCH) is O(goarch), else the host variable C(svcw_goarch), else V(amd64).
author:
  - svcwright maintainers (@svcwright)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
    details:
      - Runs entirely on the controller; nothing is executed on or copied to the host.
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details:
      - Reports whether a build would happen (C(changed)) and where its binary would be; builds nothing.
      - Every host whose platform's binary is not in the cache reports C(changed), since no build is shared.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: all
    details:
      - Needs Go on the controller, a POSIX system. The hosts may run any platform Go builds for.
requirements:
  - Go on the controller (C(go) in E(PATH), or O(go)).
notes:
  - "Set C(svcw_goarch: arm64) as a host or group variable for ARM hosts, for example in the inventory:
    C(arm_hosts: {vars: {svcw_goarch: arm64}}), or in C(group_vars/arm_hosts.yml)."
  - Do not use C(run_once) or C(delegate_to) with this action. It already runs on the controller; C(run_once)
    builds for one host's platform only, and with C(delegate_to) the delegated host's shell decides C(GOOS).
  - The C(environment) keyword does not reach the build (it is for modules on the host); use O(env).
  - Builds run with C(GOWORK=off), because a C(go.work) outside O(src) is not part of the cache key. For the
    same reason, C(replace) directives in C(go.mod) that point outside O(src) are not covered by the key;
    a change there needs a new O(version) or a removed cache entry.
  - O(output_dir) keeps every binary built and a lock file per key under C(.locks); nothing is ever
    removed from it. Delete old files when it grows too large; a deleted binary is built again when needed.
options:
  src:
    description:
      - Directory of the Go module (the one with C(go.mod)) on the controller.
      - A relative path is relative to the playbook's directory.
    type: path
    required: true
  package:
    description:
      - The main package to build, as given to C(go build), relative to O(src).
    type: str
    default: .
  version:
    description:
      - The version put into the binary (C(-X <version_var>=<version>)) and into the artifact's name.
      - Letters, digits and V(.), V(_), V(+), V(~), V(-), starting with a letter or digit.
    type: str
    required: true
  version_var:
    description:
      - The string variable that receives O(version), as C(<import path>.<name>).
    type: str
    default: main.version
  ldflags:
    description:
      - Linker flags before the version's C(-X). The default strips the symbol table and debug information.
        Set V("") to keep them.
    type: str
    default: -s -w
  tags:
    description: Build tags (C(-tags)).
    type: list
    elements: str
    default: []
  goos:
    description:
      - Target operating system (C(GOOS)), overriding the host variable C(svcw_goos) and the derivation from
        the host's shell (see the description).
    type: str
  goarch:
    description:
      - Target architecture (C(GOARCH)), overriding the host variable C(svcw_goarch) and the default V(amd64).
    type: str
  name:
    description:
      - Base name of the binary. V(.exe) is appended for Windows.
      - Defaults to the name C(go build) gives it, the last element of the package's import path (for
        O(package=.), of the module path in C(go.mod)) without a major version suffix such as C(/v2).
    type: str
  output_dir:
    description:
      - Cache directory on the controller for the built binaries, shared by every play that uses it.
      - Defaults to C(svcwright/go-build) under E(XDG_CACHE_HOME), or C(~/.cache/svcwright/go-build) for the
        user running Ansible when E(XDG_CACHE_HOME) is not set.
      - It may lie inside O(src) (it is then left out of the source hash), but it cannot be O(src) itself.
    type: path
  env:
    description:
      - Extra environment variables for C(go), on top of the controller's environment, for example
        C(GOAMD64), C(GOPROXY) or C(GOFLAGS). They are part of the cache key. Values must be strings.
      - C(GOOS), C(GOARCH), C(CGO_ENABLED=0) and C(GOWORK=off) are set by the action; a value here wins.
    type: dict
    default: {}
  go:
    description: The C(go) command, a name looked up in the controller's E(PATH) or a path.
    type: str
    default: go
seealso:
  - name: Go command documentation for build flags
    description: C(go build), C(-trimpath), C(-ldflags -X) and build tags.
    link: https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies
"""

EXAMPLES = r"""
- name: Build hello for every host's platform (once per platform)
  svcwright.services.go_build:
    src: "{{ playbook_dir }}/../examples/hello"
    version: 1.4.0
  register: hello_build

- name: Copy it to the host
  ansible.builtin.copy:
    src: "{{ hello_build.path }}"
    dest: /opt/hello/hello
    mode: "0755"

- name: A command in a subdirectory, version in a package variable, with build tags
  svcwright.services.go_build:
    src: /srv/src/reporter
    package: ./cmd/reporter
    version: "{{ lookup('ansible.builtin.pipe', 'git -C /srv/src/reporter describe --tags') }}"
    version_var: example.com/reporter/internal/build.Version
    tags: [netgo, osusergo]
    env:
      GOAMD64: v3

# Inventory: ARM hosts get arm64 binaries, Windows hosts .exe files.
#   all:
#     children:
#       linux_arm:
#         hosts: {pi1: {}, pi2: {}}
#         vars: {svcw_goarch: arm64}
#       windows:
#         hosts: {win1: {}}
#         vars: {ansible_connection: winrm}
"""

RETURN = r"""
path:
  description:
    - The binary on the controller, C(<output_dir>/<name>-<version>-<goos>-<goarch>-<key12>[.exe]).
    - In check mode it may not exist yet.
  returned: always
  type: str
  sample: /home/deploy/.cache/svcwright/go-build/hello-1.4.0-linux-arm64-3f9a0c1d2e4b
sha256:
  description: SHA-256 of the binary. V(null) in check mode when it would be built.
  returned: always
  type: str
  sample: 9b74c9897bac770ffc029102a200c5de2f5f6a5d1d1c1b1a0f0e0d0c0b0a0908
built:
  description: Whether this task built the binary. Of several hosts of one platform, only one builds.
  returned: always
  type: bool
  sample: true
cached:
  description: Whether the binary was already in O(output_dir) (built earlier, or by another host of the same platform).
  returned: always
  type: bool
  sample: false
goos:
  description: The C(GOOS) built for.
  returned: always
  type: str
  sample: linux
goarch:
  description: The C(GOARCH) built for.
  returned: always
  type: str
  sample: arm64
version:
  description: The version put into the binary.
  returned: always
  type: str
  sample: 1.4.0
key:
  description: The cache key, a SHA-256 over everything that decides the binary's content.
  returned: always
  type: str
  sample: 3f9a0c1d2e4b5a6978877665544332211000ffeeddccbbaa9988776655443322
build_seconds:
  description: How long C(go build) took; V(0) when nothing was built.
  returned: always
  type: float
  sample: 4.183
cmd:
  description: The C(go build) command that failed.
  returned: failure of go build
  type: list
  elements: str
  sample: [go, build, -trimpath, -buildvcs=false, -ldflags, -s -w -X main.version=1.4.0, -o, /tmp/x, .]
stderr:
  description: What C(go) printed on its standard error when it failed (its last 8000 characters).
  returned: failure of go
  type: str
  sample: "./main.go:12:2: undefined: foo"
"""
