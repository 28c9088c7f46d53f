package capture

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
)

// FingerprintLen is how many bytes of a file's head and of its tail its
// fingerprint covers.
const FingerprintLen = 64 << 10

// Identity identifies the bytes of an input file, as stored (before
// gunzip): the loading commands record it so that the same input given
// again is recognised, whatever its name.
type Identity struct {
	Size   int64    // bytes
	SHA256 [32]byte // of all Size bytes
	// Fingerprint is the SHA-256 of Size (8 bytes, big-endian), the first
	// and the last FingerprintLen bytes (fewer for a smaller file): what
	// FingerprintFile computes up front without reading the whole file.
	Fingerprint [32]byte
}

// Hex returns the content hash and the fingerprint as hexadecimal text.
func (id Identity) Hex() (sha, fingerprint string) {
	return hex.EncodeToString(id.SHA256[:]), hex.EncodeToString(id.Fingerprint[:])
}

// Fingerprint is the fingerprint of a file of size bytes whose first
// bytes are head and last bytes are tail (each at most FingerprintLen; a
// longer slice is cut to its first, or last, FingerprintLen bytes).
func Fingerprint(size int64, head, tail []byte) [32]byte {
	head = head[:min(len(head), FingerprintLen)]
	tail = tail[len(tail)-min(len(tail), FingerprintLen):]
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(size))
	h.Write(n[:])
	h.Write(head)
	h.Write(tail)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// FingerprintFile computes the fingerprint of the regular file at path by
// reading its size, its first and its last FingerprintLen bytes. ok is
// false, with no error, for a file that is not regular (a pipe, a
// device): reading it would consume it. Equal files have equal
// fingerprints; different files of the same size whose heads and tails
// are equal (only possible beyond 128 KiB) have equal fingerprints too.
func FingerprintFile(path string) (fp [32]byte, size int64, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return fp, 0, false, fmt.Errorf("fingerprint: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fp, 0, false, fmt.Errorf("fingerprint: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fp, 0, false, nil
	}
	size = st.Size()
	n := min(size, FingerprintLen)
	head := make([]byte, n)
	tail := make([]byte, n)
	if _, err := f.ReadAt(head, 0); err != nil && err != io.EOF {
		return fp, 0, false, fmt.Errorf("fingerprint %s: %w", path, err)
	}
	if _, err := f.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return fp, 0, false, fmt.Errorf("fingerprint %s: %w", path, err)
	}
	return Fingerprint(size, head, tail), size, true, nil
}

// Sizes of the chunks a HashReader hands to its hashing goroutine, and
// how many it keeps at most.
const (
	hashChunk  = 256 << 10
	hashChunks = 8
)

// HashReader reads from r and computes the Identity of the bytes read,
// on a goroutine of its own once more than one chunk (256 KiB) was read,
// so that hashing does not slow the reader down: each Read costs a copy
// of the bytes into a chunk, and nothing is allocated once its chunks
// (at most 2 MiB) exist. Sum ends the hashing; Close abandons it.
type HashReader struct {
	r     io.Reader
	cur   []byte // the chunk being filled
	bufs  int    // chunks allocated
	free  chan []byte
	full  chan []byte
	done  chan struct{}
	dig   digester
	size  int64 // bytes read
	async bool  // the goroutine runs
	ended bool  // Sum or Close was called
}

// NewHashReader returns a HashReader over r.
func NewHashReader(r io.Reader) *HashReader {
	return &HashReader{r: r, dig: digester{h: sha256.New()}}
}

// Read reads from the underlying reader and hashes what it read.
func (h *HashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 && !h.ended {
		h.add(p[:n])
	}
	return n, err
}

func (h *HashReader) add(b []byte) {
	for len(b) > 0 {
		if h.cur == nil {
			h.cur = h.chunk()
		}
		// The first chunk starts small and grows as the file is read,
		// so that a file only opened (its header peeked at) costs little.
		c := min(len(b), hashChunk-len(h.cur))
		h.cur = append(h.cur, b[:c]...)
		h.size += int64(c)
		b = b[c:]
		if len(h.cur) >= hashChunk {
			h.handOff()
		}
	}
}

// chunk returns an empty chunk: a recycled one, a new one while fewer
// than hashChunks exist, or else the next one the goroutine frees.
func (h *HashReader) chunk() []byte {
	if !h.async {
		return make([]byte, 0, FingerprintLen)
	}
	select {
	case b := <-h.free:
		return b
	default:
	}
	if h.bufs < hashChunks {
		h.bufs++
		return make([]byte, 0, hashChunk)
	}
	return <-h.free
}

// handOff passes the full chunk to the hashing goroutine, starting it.
func (h *HashReader) handOff() {
	if !h.async {
		h.async = true
		h.free = make(chan []byte, hashChunks)
		h.full = make(chan []byte, hashChunks)
		h.done = make(chan struct{})
		h.bufs = 1 // the first chunk
		go func() {
			defer close(h.done)
			for b := range h.full {
				if old := h.dig.write(b); old != nil {
					h.free <- old[:0]
				}
			}
		}()
	}
	h.full <- h.cur
	h.cur = nil
}

// Sum reads what is left of the underlying reader when drain is set,
// ends the hashing and returns the identity of every byte read. Later
// reads are not hashed.
func (h *HashReader) Sum(drain bool) (Identity, error) {
	if h.ended {
		return Identity{}, fmt.Errorf("hash: already ended")
	}
	if drain {
		if _, err := io.Copy(io.Discard, h); err != nil {
			h.Close()
			return Identity{}, fmt.Errorf("hash: read to the end: %w", err)
		}
	}
	h.stop()
	return h.dig.identity(h.size), nil
}

// stop hands the last chunk over and waits for the goroutine to end.
func (h *HashReader) stop() {
	if h.ended {
		return
	}
	h.ended = true
	if !h.async {
		if len(h.cur) > 0 {
			h.dig.write(h.cur)
		}
		h.cur = nil
		return
	}
	if len(h.cur) > 0 {
		h.full <- h.cur
	}
	h.cur = nil
	close(h.full)
	<-h.done
}

// Close ends the hashing (abandoning it) without closing the underlying
// reader.
func (h *HashReader) Close() error {
	h.stop()
	return nil
}

// digester hashes the chunks in order and keeps what the fingerprint
// needs: the first FingerprintLen bytes and the last two chunks.
type digester struct {
	h          hash.Hash
	head       []byte
	prev, last []byte
}

// write hashes b and returns the chunk it no longer needs (nil if none).
func (d *digester) write(b []byte) (old []byte) {
	d.h.Write(b)
	if len(d.head) < FingerprintLen {
		d.head = append(d.head, b[:min(len(b), FingerprintLen-len(d.head))]...)
	}
	old = d.prev
	d.prev, d.last = d.last, b
	return old
}

func (d *digester) identity(size int64) Identity {
	tail := d.last
	if len(tail) < FingerprintLen && len(d.prev) > 0 {
		tail = append(append([]byte(nil), d.prev[len(d.prev)-min(len(d.prev), FingerprintLen-len(tail)):]...), tail...)
	}
	id := Identity{Size: size, Fingerprint: Fingerprint(size, d.head, tail)}
	d.h.Sum(id.SHA256[:0])
	return id
}
