package store

import "sync"

// txnGate orders the writer's transactions against the store's exclusive
// work (partition DDL, retention, checkpoints, Reopen): any number of
// writer transactions may be open at once, and exclusive work runs only
// while none is.
//
// Unlike sync.RWMutex, an exclusive user waiting for the open transactions
// to end does not hold back new ones. The writer's lanes depend on that:
// a lane whose next transaction waited behind retention would stop taking
// chunks, the goroutine that feeds the lanes would block on it, and the
// other lane's open transaction would never be committed for retention to
// proceed. Exclusive users get their turn when the open transactions end,
// which they do at every Flush.
type txnGate struct {
	mu        sync.Mutex
	changed   *sync.Cond
	open      int  // writer transactions open
	exclusive bool // exclusive work running
}

func newTxnGate() *txnGate {
	g := &txnGate{}
	g.changed = sync.NewCond(&g.mu)
	return g
}

// begin waits for exclusive work to end and counts a transaction open.
func (g *txnGate) begin() {
	g.mu.Lock()
	for g.exclusive {
		g.changed.Wait()
	}
	g.open++
	g.mu.Unlock()
}

// end counts a transaction ended.
func (g *txnGate) end() {
	g.mu.Lock()
	g.open--
	if g.open == 0 {
		g.changed.Broadcast()
	}
	g.mu.Unlock()
}

// lock waits until no transaction is open and no other exclusive work
// runs, then holds the store for exclusive work.
func (g *txnGate) lock() {
	g.mu.Lock()
	for g.exclusive || g.open > 0 {
		g.changed.Wait()
	}
	g.exclusive = true
	g.mu.Unlock()
}

// unlock ends exclusive work.
func (g *txnGate) unlock() {
	g.mu.Lock()
	g.exclusive = false
	g.changed.Broadcast()
	g.mu.Unlock()
}
