package flow

// statusEntry is a record waiting for its status tick: the flow at index
// idx (generation gen) whose record started at start.
type statusEntry struct {
	start int64
	idx   int32
	gen   uint32
}

// statusQueue is a FIFO ring of statusEntry. Records start in time order,
// so the head is always the next record to tick.
type statusQueue struct {
	buf        []statusEntry
	head, size int
}

func (q *statusQueue) push(e statusEntry) {
	if q.size == len(q.buf) {
		n := 2 * len(q.buf)
		if n == 0 {
			n = 64
		}
		nb := make([]statusEntry, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = e
	q.size++
}

func (q *statusQueue) peek() (statusEntry, bool) {
	if q.size == 0 {
		return statusEntry{}, false
	}
	return q.buf[q.head], true
}

func (q *statusQueue) pop() {
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}

// fragEntry is the index entry of a datagram whose first fragment was seen.
type fragEntry struct {
	idx     int32
	gen     uint32
	fromSrc bool
	expire  int64
}

// fragExpiry queues fragment index keys in insertion (= expiry) order.
type fragExpiry struct {
	buf        []fragExpiryEntry
	head, size int
}

type fragExpiryEntry struct {
	key    fragKey
	expire int64
}

func (q *fragExpiry) push(e fragExpiryEntry) {
	if q.size == len(q.buf) {
		n := 2 * len(q.buf)
		if n == 0 {
			n = 16
		}
		nb := make([]fragExpiryEntry, n)
		for i := 0; i < q.size; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = e
	q.size++
}

func (q *fragExpiry) peek() (*fragExpiryEntry, bool) {
	if q.size == 0 {
		return nil, false
	}
	return &q.buf[q.head], true
}

func (q *fragExpiry) pop() {
	q.buf[q.head] = fragExpiryEntry{}
	q.head = (q.head + 1) % len(q.buf)
	q.size--
}

// lruList links flows through flow.prev/next, least recently active first.
type lruList struct{ head, tail int32 }

// expiryEntry is a flow's scheduled idle removal; it is stale when the flow
// was active or rescheduled since.
type expiryEntry struct {
	at  int64
	idx int32
	gen uint32
}

// expiryHeap is a binary min-heap of expiryEntry by time, written out
// rather than through container/heap so that pushing does not allocate.
type expiryHeap []expiryEntry

func (h *expiryHeap) push(e expiryEntry) {
	*h = append(*h, e)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if s[p].at <= s[i].at {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *expiryHeap) pop() expiryEntry {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && s[l].at < s[m].at {
			m = l
		}
		if r < n && s[r].at < s[m].at {
			m = r
		}
		if m == i {
			break
		}
		s[m], s[i] = s[i], s[m]
		i = m
	}
	*h = s
	return top
}
