// Package testutil holds small helpers shared by tests and benchmarks of
// several packages: a buffer safe for concurrent writers and readers, and
// the process's CPU time.
package testutil
