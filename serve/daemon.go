package serve

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"tapdb/ingest"
	"tapdb/ingest/capture"
	"tapdb/ingest/collector"
	"tapdb/ingest/live"
	"tapdb/internal/duckc"
	"tapdb/pgwire"
	"tapdb/schema"
	"tapdb/store"
)

// Options are what Run needs besides the configuration.
type Options struct {
	// Stdout receives the banner with the psql line.
	Stdout io.Writer
	// Logger receives the daemon's logs.
	Logger *slog.Logger
	// Reload re-reads the configuration on SIGHUP; nil disables reload.
	Reload func() (Config, error)

	// storeOpened, for tests, is called with the store once it is open.
	storeOpened func(*store.Store)
}

// runner is the state of a running tapdb serve.
type runner struct {
	log   *slog.Logger
	st    *store.Store
	sink  *Sink
	coll  *collector.Collector
	live  *live.Capture
	pg    *pgwire.Server
	mhttp net.Listener

	mu  sync.Mutex // guards cfg's reloadable fields
	cfg Config

	storeFatal   chan error  // fatal DuckDB errors: the store must be reopened
	recovering   atomic.Bool // while the store is reopened
	storeReopens atomic.Int64

	retentionRuns    int64
	baselineRuns     int64
	baselineErrors   int64
	retentionDeleted int64
	retentionErrors  int64
	started          time.Time
}

// Run runs the daemon until ctx is done; a clean stop returns nil.
func Run(ctx context.Context, cfg Config, opts Options) (err error) {
	if err := cfg.Validate(); err != nil {
		return &UsageError{err}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	stdout := opts.Stdout
	if stdout == nil {
		stdout = io.Discard
	}
	d := &runner{log: log, cfg: cfg, started: time.Now(), storeFatal: make(chan error, 1)}
	// SIGHUP is caught from the start, so that one sent while the store
	// opens does not kill the process (its default action); it is acted
	// on once serving.
	hup := make(chan os.Signal, 1)
	if opts.Reload != nil {
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}
	if cfg.Process.PIDFile != "" {
		if err := writePIDFile(cfg.Process.PIDFile); err != nil {
			return err
		}
		defer os.Remove(cfg.Process.PIDFile)
	}

	// Store, and the captures to read before serving.
	st, err := store.Open(ctx, cfg.Store.DB, store.Options{Partition: cfg.Store.Partition, Logger: log})
	if err != nil {
		return err
	}
	d.st = st
	if opts.storeOpened != nil {
		opts.storeOpened(st)
	}
	defer func() {
		if cerr := st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()
	if len(cfg.Capture.Read) > 0 {
		if err := d.readCaptures(ctx, cfg); err != nil {
			return err
		}
	}
	memLimit := cfg.Store.MemLimit
	if memLimit == "" {
		memLimit, _ = DefaultMemoryLimit() // "" off Linux: DuckDB's own default
		log.Debug("DuckDB memory limit", "memory_limit", memLimit, "default", true)
	}
	if memLimit != "" {
		if err := st.SetMemoryLimit(ctx, memLimit); err != nil {
			return &UsageError{fmt.Errorf("memory-limit: %w", err)}
		}
	}
	if err := st.Harden(ctx); err != nil {
		return err
	}

	// The sink outlives the sources: it is closed (last commit) after them.
	sinkCtx := context.WithoutCancel(ctx)
	d.sink, err = newSink(sinkCtx, st, cfg.Store.Batch, time.Duration(cfg.Store.Retry), log, d.noteFatal)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := d.sink.Close(); cerr != nil && err == nil {
			err = cerr
		}
		log.Info("writer closed", "records_written", d.sink.written.Load(), "records_dropped", d.sink.dropped.Load())
	}()

	// Open everything that can fail before serving, each component from
	// its section of the configuration.
	if cc, ok := cfg.Collector.config(); ok {
		cc.Logger = log
		d.coll = collector.New(cc, d.sink.Write)
		if err := d.coll.Listen(ctx); err != nil {
			return err
		}
		defer d.coll.Close()
	}
	if len(cfg.Capture.Interfaces) > 0 {
		capCfg := cfg.Capture.config(cfg.FlowTable.config())
		capCfg.Logger = log
		d.live, err = live.Open(capCfg, d.sink.Write)
		if err != nil {
			return err
		}
		defer d.live.Close()
	}
	pc, err := cfg.Endpoint.config()
	if err != nil {
		return &UsageError{err}
	}
	pc.Logger = log
	if pc.HidePaths, err = pgwire.DuckDBPaths(ctx, st.DB()); err != nil {
		return err
	}
	tlsCfg, err := cfg.Endpoint.loadTLS(cfg.Store.DB)
	if err != nil {
		return err
	}
	pc.TLS, pc.TLSMode = tlsCfg.cfg, tlsCfg.mode
	d.pg, err = pgwire.New(pc, st.DB())
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Endpoint.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	var httpSrv *http.Server
	if cfg.HTTP.Metrics != "" {
		d.mhttp, err = lc.Listen(ctx, "tcp", cfg.HTTP.Metrics)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics: listen: %w", err)
		}
		httpSrv = &http.Server{Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	}

	// Serve.
	d.banner(stdout, cfg, ln.Addr(), tlsCfg)
	if tlsCfg.cfg != nil {
		log.Info("TLS certificate", "file", tlsCfg.certFile, "sha256", tlsCfg.fingerprint, "self_signed", tlsCfg.selfSigned, "required", tlsCfg.mode == pgwire.TLSRequired)
	}
	var wg sync.WaitGroup
	srcCtx, stopSources := context.WithCancel(ctx)
	defer stopSources()
	fatal := make(chan error, 4)
	if d.coll != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.coll.Run(srcCtx); err != nil {
				log.Error("collector", "err", err)
			}
		}()
	}
	if d.live != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := d.live.Run(srcCtx); err != nil {
				log.Error("live capture", "err", err)
			}
		}()
	}
	pgDone := make(chan struct{})
	go func() {
		defer close(pgDone)
		if err := d.pg.Serve(context.WithoutCancel(ctx), ln); err != nil {
			fatal <- fmt.Errorf("postgres endpoint: %w", err)
		}
	}()
	if httpSrv != nil {
		go func() {
			if err := httpSrv.Serve(d.mhttp); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fatal <- fmt.Errorf("metrics endpoint: %w", err)
			}
		}()
	}
	bgCtx, stopBG := context.WithCancel(ctx)
	var bg sync.WaitGroup
	bg.Add(3)
	go func() { defer bg.Done(); d.commitLoop(bgCtx, time.Duration(cfg.Store.Commit)) }()
	go func() { defer bg.Done(); d.retentionLoop(bgCtx) }()
	go func() { defer bg.Done(); d.baselineLoop(bgCtx) }()
	log.Info("tapdb serving", "listen", ln.Addr().String(), "interfaces", cfg.Capture.Interfaces, "netflow", cfg.Collector.NetFlow, "ipfix", cfg.Collector.IPFIX, "metrics", cfg.HTTP.Metrics)

	var runErr error
wait:
	for {
		select {
		case <-ctx.Done():
			log.Info("stopping: flushing flows and committing")
			break wait
		case runErr = <-fatal:
			log.Error("stopping after a fatal error", "err", runErr)
			break wait
		case <-hup:
			d.reload(opts.Reload)
		case err := <-d.storeFatal:
			d.reopenStore(ctx, err)
		}
	}
	// Stop the sources (the capture flushes its flow table, the collector
	// its waiting records), then commit, then stop serving.
	stopSources()
	wg.Wait()
	stopBG()
	bg.Wait()
	d.sink.Flush()
	d.pg.Close()
	<-pgDone
	if httpSrv != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		httpSrv.Shutdown(shutCtx)
		cancel()
	}
	return runErr
}

// readCaptures reads the captures of cfg.Read into the store before
// serving. A capture the store already holds (the same bytes, under any
// name, looked up by fingerprint) is skipped with a log line, so that a
// daemon restarted with the same -r does not store its flows twice, and
// new captures are read; each capture read to its end is recorded once its
// flows are committed (a crash in between leaves it unrecorded: it is read
// again at the next start). Standard input is read and recorded, never
// skipped.
func (d *runner) readCaptures(ctx context.Context, cfg Config) error {
	paths := make([]string, 0, len(cfg.Read))
	seen := make(map[string]bool, len(cfg.Read))
	for _, p := range cfg.Read {
		fp, ok := "", false
		if p != "-" {
			sum, _, regular, err := capture.FingerprintFile(p)
			if err != nil {
				return err
			}
			fp, ok = hex.EncodeToString(sum[:]), regular
		}
		if ok && seen[fp] {
			d.log.Info("capture given twice; reading it once", "capture", p)
			continue
		}
		if ok {
			seen[fp] = true
			prev, found, err := d.st.LookupFingerprint(ctx, fp)
			if err != nil {
				return err
			}
			if found && prev.Records > 0 { // one that gave no records is read again
				d.log.Info("capture already ingested; skipping it", "capture", p, "ingested", prev.Ingested, "as", prev.Name, "records", prev.Records)
				continue
			}
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return nil
	}
	var (
		stats   ingest.Stats
		readErr error
	)
	opts := ingest.Options{Flow: cfg.FlowConfig(), Logger: d.log, Hash: true}
	err := d.st.Load(ctx, store.WriterOptions{BatchSize: cfg.Batch}, func(ctx context.Context, emit func(*schema.Record) error) error {
		stats, readErr = ingest.ReadFiles(ctx, paths, opts, emit)
		return nil // a capture read in part still serves its flows: logged below
	})
	if err != nil {
		return errors.Join(readErr, err)
	}
	for i := range stats.PerFile {
		f := &stats.PerFile[i]
		if !f.Ended || !f.Hashed {
			continue
		}
		sha, fp := f.Identity.Hex()
		first, last := f.Times()
		src := store.Source{SHA256: sha, Fingerprint: fp, Size: f.Identity.Size, Name: f.Path, Kind: "capture", First: first, Last: last, Records: f.Records}
		if err := d.st.RecordSource(ctx, src); err != nil {
			return err
		}
	}
	if readErr != nil {
		d.log.Error("capture read in part; serving the flows read before the problem", "err", readErr)
	}
	d.log.Info("ingested captures", "captures", stats.Files, "packets", stats.Packets, "records", stats.Flow.Records)
	return nil
}

func (d *runner) banner(w io.Writer, cfg Config, addr net.Addr, t endpointTLS) {
	host, port, _ := net.SplitHostPort(addr.String())
	user := "analyst"
	if cfg.Endpoint.Trust {
		user = "tapdb"
	}
	ssl := "sslmode=disable"
	switch {
	case t.selfSigned:
		ssl = "sslmode=verify-full sslrootcert=" + t.certFile
	case t.cfg != nil:
		ssl = "sslmode=verify-full"
	}
	fmt.Fprintf(w, "tapdb serving flows on %s\n  psql \"host=%s port=%s user=%s dbname=flows %s\"\n", addr, host, port, user, ssl)
	if t.cfg != nil {
		fmt.Fprintf(w, "  TLS certificate %s\n  TLS SHA-256 fingerprint %s\n", t.certFile, t.fingerprint)
	}
	if !cfg.Endpoint.Trust {
		fmt.Fprintf(w, "  (add users with: tapdb user add --users %s NAME)\n", cfg.Endpoint.Users)
	}
	if d.coll != nil {
		for _, a := range d.coll.Addrs() {
			fmt.Fprintf(w, "  collecting NetFlow/IPFIX on udp %s\n", a)
		}
	}
	if d.mhttp != nil {
		fmt.Fprintf(w, "  metrics on http://%s/metrics\n", d.mhttp.Addr())
	}
}

// noteFatal asks for the store to be reopened when err is a fatal DuckDB
// error (after which the instance refuses every statement).
func (d *runner) noteFatal(err error) {
	if !duckc.IsFatal(err) {
		return
	}
	select {
	case d.storeFatal <- err:
	default: // a reopen is already asked for
	}
}

// reopenStore recovers from a fatal DuckDB error the way PostgreSQL
// recovers from a crashed backend: every session is ended and new ones are
// refused (57P03), ingest pauses, and the store is reopened, which replays
// its WAL so that every committed flow is back; then serving resumes. A
// reopen that fails (no room to replay, say) is retried every retry
// interval.
func (d *runner) reopenStore(ctx context.Context, cause error) {
	d.log.Error("STORE INVALIDATED by a fatal DuckDB error: ending sessions and reopening it; committed flows are kept", "err", cause)
	d.recovering.Store(true)
	defer d.recovering.Store(false)
	d.storeReopens.Add(1)
	d.sink.suspend()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	if err := d.pg.Suspend(sctx, "the store is being reopened after a fatal error"); err != nil {
		d.log.Error("ending sessions before reopening the store", "err", err)
	}
	cancel()
	for {
		err := d.st.Reopen(ctx)
		if err == nil {
			break
		}
		retry := time.Duration(d.cfg.Store.Retry)
		d.log.Error("cannot reopen the store; queries and ingest wait", "err", err, "retry_every", retry)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
	select {
	case <-d.storeFatal: // reported by the old instance meanwhile
	default:
	}
	d.pg.Resume(d.st.DB())
	d.sink.resume()
	d.sink.Flush()
	d.log.Warn("store reopened: serving queries and ingesting again")
}

// commitLoop commits what was written every interval, so that flows reach
// queries within the interval, and checks that the store still answers: a
// fatal error met by a query session leaves the instance refusing every
// statement, and is noticed here when no write meets it.
func (d *runner) commitLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			d.sink.Flush()
			if !d.recovering.Load() {
				var one int
				if err := d.st.DB().QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
					d.noteFatal(err)
				}
			}
		}
	}
}

// reload applies the reloadable settings of a re-read configuration.
func (d *runner) reload(load func() (Config, error)) {
	next, err := load()
	if err == nil {
		err = next.Validate()
	}
	if err != nil {
		d.log.Error("SIGHUP: configuration not reloaded", "err", err)
		return
	}
	// The certificate first: a reload that cannot read it changes nothing.
	t, err := next.Endpoint.loadTLS(next.Store.DB)
	if err == nil {
		err = d.pg.SetTLS(t.cfg, t.mode)
	}
	if err != nil {
		d.log.Error("SIGHUP: configuration not reloaded", "err", err)
		return
	}
	allow, _ := pgwire.ParseAllowList(next.Endpoint.Allow) // validated
	d.pg.SetAllowList(allow)
	d.mu.Lock()
	prev := d.cfg
	setReloadable(&d.cfg, next)
	d.mu.Unlock()
	if restartNeeded(prev, next) {
		d.log.Warn("SIGHUP: some changed settings need a restart (sources, store, listen address, timers)")
	}
	if t.cfg != nil {
		d.log.Info("SIGHUP: TLS certificate loaded", "file", t.certFile, "sha256", t.fingerprint)
	}
	d.log.Info("SIGHUP: configuration reloaded", "allow", next.Endpoint.Allow, "baselines", len(next.Jobs.Baselines), "retain", next.Retention.Retain.text(), "retain_every", next.Retention.RetainAt.String())
}

// setReloadable copies the settings SIGHUP applies from b to a: the
// allow-list, the TLS settings, retention and the baselining jobs.
func setReloadable(a *Config, b Config) {
	e := &a.Endpoint
	e.Allow = b.Endpoint.Allow
	e.TLS, e.TLSCert, e.TLSKey, e.TLSDir, e.TLSRequired, e.TLSMin = b.TLS, b.TLSCert, b.TLSKey, b.TLSDir, b.TLSRequired, b.TLSMin
	a.Retention, a.Jobs = b.Retention, b.Jobs
}

// restartNeeded reports whether settings that only apply at start changed.
func restartNeeded(a, b Config) bool {
	setReloadable(&a, b)
	a.LogLevel, a.LogFormat = b.LogLevel, b.LogFormat
	return fmt.Sprint(a) != fmt.Sprint(b)
}
