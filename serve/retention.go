package serve

import (
	"context"
	"sync/atomic"
	"time"
)

// retentionLoop deletes expired records at start and then every
// retain-every (both re-read at each round, so SIGHUP changes apply at
// the next round).
func (d *runner) retentionLoop(ctx context.Context) {
	for {
		d.mu.Lock()
		age, every := time.Duration(d.cfg.Retain), time.Duration(d.cfg.RetainAt)
		d.mu.Unlock()
		if age > 0 {
			d.retainOnce(ctx, time.Now().Add(-age))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// retainOnce deletes the records whose stime is before cutoff (the store
// logs what it deleted).
func (d *runner) retainOnce(ctx context.Context, cutoff time.Time) {
	atomic.AddInt64(&d.retentionRuns, 1)
	r, err := d.st.DeleteBefore(ctx, cutoff)
	if err != nil {
		if ctx.Err() == nil {
			atomic.AddInt64(&d.retentionErrors, 1)
			d.log.Error("retention", "err", err)
			d.noteFatal(err)
		}
		return
	}
	atomic.AddInt64(&d.retentionDeleted, r.Rows)
}
