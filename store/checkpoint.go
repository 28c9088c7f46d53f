package store

import (
	"fmt"
	"os"
	"path/filepath"
	"tapdb/internal/duckc"
	"time"
)

// checkpointAt is the WAL size past which the writer checkpoints, DuckDB's
// own default threshold.
const checkpointAt = 16 << 20

// checkpointIfDue folds the WAL into the database file once it has grown
// past checkpointAt, but only when the file system has room for it: a
// checkpoint that runs out of space is fatal to the DuckDB instance (every
// later statement fails until the process restarts), while a commit that
// runs out of space only fails itself. So with little room left the WAL is
// kept, and the writer's commits fail cleanly when space is gone.
//
// It is called by Writer.Flush once every lane has committed (the daemon
// flushes every commit interval; a sensor run at its end and at each new
// partition, and its default batches of whole row groups go to the file,
// not the WAL). Errors other than fatal ones (another write transaction
// being open, say) are logged and the checkpoint is tried at the next
// Flush.
func (s *Store) checkpointIfDue(conn *duckc.Native) error {
	wal := fileSize(s.nativePath + ".wal")
	if wal < checkpointAt {
		return nil
	}
	s.gate.lock()
	defer s.gate.unlock()
	if !s.roomToCheckpoint(wal) {
		return nil
	}
	start := time.Now()
	if err := conn.Exec("CHECKPOINT"); err != nil {
		if duckc.IsFatal(err) {
			return fmt.Errorf("checkpoint (WAL %d bytes): %w", wal, err)
		}
		s.log.Warn("checkpoint postponed", "wal_bytes", wal, "err", err)
		return nil
	}
	s.log.Debug("checkpoint", "wal_bytes", wal, "elapsed", time.Since(start))
	return nil
}

// roomToCheckpoint reports whether the file system holding the store has
// room to fold a WAL of wal bytes into the file; when not, it says so in
// the log (at most once a minute) and the WAL is kept. Callers hold the
// gate.
func (s *Store) roomToCheckpoint(wal int64) bool {
	need := wal + wal/4 + checkpointAt
	free, ok := freeBytes(filepath.Dir(s.nativePath))
	if !ok || free >= need {
		return true
	}
	if time.Since(s.lastSpaceWarn) > time.Minute {
		s.lastSpaceWarn = time.Now()
		s.log.Warn("not checkpointing: the file system has too little room; the WAL keeps growing",
			"wal_bytes", wal, "free_bytes", free, "needed_bytes", need)
	}
	return false
}

// fileSize is the size of the file at path, 0 if it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
