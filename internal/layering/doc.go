// Package layering holds no code: its test checks the import rules that
// keep tapdb's architecture readable (DESIGN.md, "Packages"):
//
//   - store never imports ingest, pgwire or ra: the store does not know
//     where records come from or who reads them;
//   - ingest never imports store: sources emit records to a callback;
//   - pgwire never imports ingest: the endpoint serves SQL, nothing else;
//   - only tests import internal/argusref, the reader of real Argus
//     output kept as golden files.
//
// The test asks the go command for each package's dependencies
// (go list -deps), so an indirect import breaks a rule as well.
package layering
