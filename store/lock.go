package store

import (
	"fmt"
	"regexp"
	"strconv"
)

// HeldError is the error of opening a store that another process holds:
// DuckDB lets one process write a file, and a file being written cannot be
// opened by another process at all.
type HeldError struct {
	Path    string
	PID     int    // the holding process, 0 if DuckDB did not say
	Program string // its executable, "" if DuckDB did not say
	Err     error  // DuckDB's error
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.PID != 0 {
		who = fmt.Sprintf("process %d (%s)", e.PID, e.Program)
	}
	return fmt.Sprintf("store %q is held by %s; if it is tapdb serve, query the store through it (ra -S HOST:PORT, psql, or tapdb sql on a copy), or stop the daemon first", e.Path, who)
}

func (e *HeldError) Unwrap() error { return e.Err }

// lockHeld matches DuckDB's message for a file locked by another process.
var lockHeld = regexp.MustCompile(`Could not set lock on file "[^"]*": Conflicting lock is held in (.*) \(PID (\d+)\)`)

// heldBy returns a *HeldError when err says another process holds the
// store's file, nil otherwise.
func heldBy(path string, err error) *HeldError {
	m := lockHeld.FindStringSubmatch(err.Error())
	if m == nil {
		return nil
	}
	pid, _ := strconv.Atoi(m[2])
	return &HeldError{Path: path, PID: pid, Program: m[1], Err: err}
}
