//go:build unix

package store

import "syscall"

// freeBytes is the room left for an unprivileged writer on the file system
// holding dir; ok is false when it cannot be read.
func freeBytes(dir string) (free int64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}
