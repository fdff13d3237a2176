package config

import (
	"os"

	"golang.org/x/sys/unix"
)

// pseudoFileSystems are the kernel's pseudo file systems: their files look
// regular but are views of the kernel and of processes (the environment of
// /proc/self/environ, for one), never a boot script.
var pseudoFileSystems = map[int64]string{
	unix.PROC_SUPER_MAGIC:    "the /proc pseudo file system",
	unix.SYSFS_MAGIC:         "the /sys pseudo file system",
	unix.DEBUGFS_MAGIC:       "the debugfs pseudo file system",
	unix.TRACEFS_MAGIC:       "the tracefs pseudo file system",
	unix.SECURITYFS_MAGIC:    "the securityfs pseudo file system",
	unix.CGROUP2_SUPER_MAGIC: "the cgroup pseudo file system",
	unix.BPF_FS_MAGIC:        "the bpf pseudo file system",
	unix.EFIVARFS_MAGIC:      "the efivarfs pseudo file system",
}

// pseudoFS names the pseudo file system the open file fh is on, or "".
func pseudoFS(fh *os.File) string {
	rc, err := fh.SyscallConn()
	if err != nil {
		return ""
	}
	var st unix.Statfs_t
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.Fstatfs(int(fd), &st) }); err != nil || serr != nil {
		return ""
	}
	return pseudoFileSystems[int64(st.Type)]
}
