package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// writePIDFile writes the process id to path atomically (a temporary file
// renamed into place).
func writePIDFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tapdb-pid-*")
	if err != nil {
		return fmt.Errorf("pid file: %w", err)
	}
	_, werr := tmp.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pid file: write %s: %v %v", tmp.Name(), werr, cerr)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pid file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("pid file: %w", err)
	}
	return nil
}
