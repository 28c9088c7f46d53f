package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/afpacket"
	"golang.org/x/net/bpf"

	"tapdb/ingest/capture"
	"tapdb/ingest/decode"
	"tapdb/ingest/flow"
	"tapdb/schema"
)

// Capture reads packets from interfaces into a flow table. Open it, Run it
// until its context ends, then Close it.
type Capture struct {
	cfg        Config
	emit       func(*schema.Record) error
	log        *slog.Logger
	ifs        []*iface
	mu         sync.Mutex // guards table
	table      *flow.Table
	emitErrors atomic.Int64
}

type iface struct {
	name     string
	link     uint32
	tp       *afpacket.TPacket
	packets  atomic.Int64
	bytes    atomic.Int64
	decErrs  atomic.Int64
	statsMu  sync.Mutex
	lastStat InterfaceStats
}

// Open opens a socket per interface, attaches the compiled filter and
// joins promiscuous mode, so that every configuration mistake (unknown
// interface, bad filter, missing privilege) is reported before Run.
func Open(cfg Config, emit func(*schema.Record) error) (*Capture, error) {
	if len(cfg.Interfaces) == 0 {
		return nil, errors.New("live: no interfaces")
	}
	if cfg.Snaplen <= 0 {
		cfg.Snaplen = 65535
	}
	if cfg.RingBytes <= 0 {
		cfg.RingBytes = 32 << 20
	}
	if cfg.TickEvery <= 0 {
		cfg.TickEvery = 250 * time.Millisecond
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Capture{cfg: cfg, emit: emit, log: log}
	for _, name := range cfg.Interfaces {
		ifc, err := c.openIface(name)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.ifs = append(c.ifs, ifc)
	}
	c.table = flow.NewTable(cfg.Flow, c.emitRecord)
	return c, nil
}

func (c *Capture) emitRecord(r *schema.Record) error {
	if err := c.emit(r); err != nil {
		c.emitErrors.Add(1)
		c.log.Error("live: storing a flow record", "err", err)
	}
	return nil
}

const blockSize = 1 << 20

func (c *Capture) openIface(name string) (*iface, error) {
	link, err := linkType(name)
	if err != nil {
		return nil, err
	}
	var prog []bpf.RawInstruction
	if c.cfg.Filter != "" {
		if link != capture.LinkEthernet {
			return nil, fmt.Errorf("live: %s: capture filters need an Ethernet interface", name)
		}
		prog, err = Compile(c.cfg.Filter, c.cfg.Snaplen)
		if err != nil {
			return nil, fmt.Errorf("live: filter: %w", err)
		}
	} else {
		prog, err = bpf.Assemble([]bpf.Instruction{bpf.RetConstant{Val: uint32(c.cfg.Snaplen)}})
		if err != nil {
			return nil, fmt.Errorf("live: snap length program: %w", err)
		}
	}
	frame := 2048
	for frame < c.cfg.Snaplen+256 && frame < blockSize {
		frame *= 2
	}
	tp, err := afpacket.NewTPacket(
		afpacket.OptInterface(name),
		afpacket.OptTPacketVersion(afpacket.TPacketVersion3),
		afpacket.OptFrameSize(frame),
		afpacket.OptBlockSize(blockSize),
		afpacket.OptNumBlocks(max(2, c.cfg.RingBytes/blockSize)),
		afpacket.OptBlockTimeout(50*time.Millisecond),
		afpacket.OptPollTimeout(100*time.Millisecond),
		afpacket.OptAddVLANHeader(true),
	)
	if err != nil {
		return nil, fmt.Errorf("live: open %s: %w", name, err)
	}
	if err := tp.SetBPF(prog); err != nil {
		tp.Close()
		return nil, fmt.Errorf("live: %s: attach filter: %w", name, err)
	}
	if c.cfg.Promisc {
		if err := tp.SetPromiscuous(true); err != nil {
			tp.Close()
			return nil, fmt.Errorf("live: %s: promiscuous mode: %w", name, err)
		}
	}
	return &iface{name: name, link: link, tp: tp}, nil
}

// linkType maps the interface's ARPHRD type to a capture link type.
func linkType(name string) (uint32, error) {
	b, err := os.ReadFile("/sys/class/net/" + name + "/type")
	if err != nil {
		return 0, fmt.Errorf("live: interface %q: %w", name, err)
	}
	t, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("live: interface %q: type %q", name, b)
	}
	switch t {
	case 1, 772: // ARPHRD_ETHER, ARPHRD_LOOPBACK (Ethernet headers)
		return capture.LinkEthernet, nil
	case 65534, 778: // ARPHRD_NONE (tun), ARPHRD_IPGRE
		return capture.LinkRaw, nil
	}
	return 0, fmt.Errorf("live: interface %q: ARPHRD type %d is not supported", name, t)
}

// Run captures until ctx is done, then flushes the flow table to emit.
func (c *Capture) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, ifc := range c.ifs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.read(ctx, ifc)
		}()
	}
	t := time.NewTicker(c.cfg.TickEvery)
	defer t.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case now := <-t.C:
			c.mu.Lock()
			c.table.Tick(now.UnixNano())
			c.mu.Unlock()
		}
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.table.Flush()
}

func (c *Capture) read(ctx context.Context, ifc *iface) {
	dec := decode.NewDecoder()
	var pkt decode.Packet
	for ctx.Err() == nil {
		data, ci, err := ifc.tp.ZeroCopyReadPacketData()
		if err != nil {
			if errors.Is(err, afpacket.ErrTimeout) {
				continue
			}
			if ctx.Err() != nil {
				return
			}
			c.log.Error("live: read", "interface", ifc.name, "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		ifc.packets.Add(1)
		ifc.bytes.Add(int64(ci.Length))
		pkt.Reset()
		pkt.TimeNanos = ci.Timestamp.UnixNano()
		pkt.WireLen = ci.Length
		if err := dec.Decode(ifc.link, data, &pkt); err != nil {
			ifc.decErrs.Add(1)
			continue
		}
		c.mu.Lock()
		c.table.Add(&pkt)
		c.mu.Unlock()
	}
}

// Stats returns each interface's counters, with the kernel's.
func (c *Capture) Stats() []InterfaceStats {
	out := make([]InterfaceStats, len(c.ifs))
	for i, ifc := range c.ifs {
		ifc.statsMu.Lock()
		s := InterfaceStats{Name: ifc.name, Packets: ifc.packets.Load(), Bytes: ifc.bytes.Load(), DecodeErrors: ifc.decErrs.Load()}
		if _, v3, err := ifc.tp.SocketStats(); err == nil {
			s.KernelPackets, s.KernelDrops, s.Freezes = uint64(v3.Packets()), uint64(v3.Drops()), uint64(v3.QueueFreezes())
		} else {
			s.KernelPackets, s.KernelDrops, s.Freezes = ifc.lastStat.KernelPackets, ifc.lastStat.KernelDrops, ifc.lastStat.Freezes
		}
		ifc.lastStat = s
		ifc.statsMu.Unlock()
		out[i] = s
	}
	return out
}

// FlowStats returns the flow table's counters.
func (c *Capture) FlowStats() flow.Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.table.Stats()
}

// Close closes the sockets (leaving promiscuous mode).
func (c *Capture) Close() {
	for _, ifc := range c.ifs {
		ifc.tp.Close()
	}
}
