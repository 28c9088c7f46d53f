package pgwire_test

import (
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// rawClient speaks the protocol message by message.
type rawClient struct {
	t      testing.TB
	conn   net.Conn
	fe     *pgproto3.Frontend
	pid    uint32
	secret []byte
}

func rawConnect(t testing.TB, addr string) *rawClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &rawClient{t: t, conn: conn, fe: pgproto3.NewFrontend(conn, conn)}
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "tester", "database": "flows"}})
	c.recvUntilReady()
	return c
}

func (c *rawClient) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		c.fe.Send(m)
	}
	if err := c.fe.Flush(); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// recvUntilReady returns a summary of every message up to and including
// ReadyForQuery.
func (c *rawClient) recvUntilReady() []string {
	c.t.Helper()
	var out []string
	c.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for {
		m, err := c.fe.Receive()
		if err != nil {
			c.t.Fatalf("receive after %v: %v", out, err)
		}
		if k, ok := m.(*pgproto3.BackendKeyData); ok {
			c.pid, c.secret = k.ProcessID, append([]byte(nil), k.SecretKey...)
		}
		s := summarize(m)
		if s != "" {
			out = append(out, s)
		}
		if _, ok := m.(*pgproto3.ReadyForQuery); ok {
			return out
		}
	}
}

// summarize renders a backend message compactly for comparisons; startup
// chatter is dropped.
func summarize(m pgproto3.BackendMessage) string {
	switch x := m.(type) {
	case *pgproto3.ParameterStatus, *pgproto3.BackendKeyData, *pgproto3.AuthenticationOk:
		return ""
	case *pgproto3.DataRow:
		var vs []string
		for _, v := range x.Values {
			if v == nil {
				vs = append(vs, "NULL")
			} else {
				vs = append(vs, string(v))
			}
		}
		return "DataRow " + strings.Join(vs, ",")
	case *pgproto3.RowDescription:
		var fs []string
		for _, f := range x.Fields {
			fs = append(fs, fmt.Sprintf("%s:%d", f.Name, f.DataTypeOID))
		}
		return "RowDescription " + strings.Join(fs, ",")
	case *pgproto3.ParameterDescription:
		return fmt.Sprintf("ParameterDescription %v", x.ParameterOIDs)
	case *pgproto3.CommandComplete:
		return "CommandComplete " + string(x.CommandTag)
	case *pgproto3.ErrorResponse:
		return "ErrorResponse " + x.Code
	case *pgproto3.NoticeResponse:
		return "NoticeResponse " + x.Code
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery " + string(x.TxStatus)
	default:
		return strings.TrimPrefix(fmt.Sprintf("%T", m), "*pgproto3.")
	}
}

// TestProtocolScripts sends message sequences and compares the answers,
// CockroachDB-style; each script starts on a fresh connection.
func TestProtocolScripts(t *testing.T) {
	_, addr := startServer(t, pgwireConfig(), nil)
	type step struct {
		send []pgproto3.FrontendMessage
		want []string
	}
	q := func(s string) *pgproto3.Query { return &pgproto3.Query{String: s} }
	sync := &pgproto3.Sync{}
	scripts := []struct {
		name  string
		steps []step
	}{
		{"row limit and PortalSuspended", []step{{
			send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select range as n from range(5)"},
				&pgproto3.Bind{},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Execute{MaxRows: 2},
				&pgproto3.Execute{},
				sync,
			},
			want: []string{"ParseComplete", "BindComplete", "DataRow 0", "DataRow 1", "PortalSuspended",
				"DataRow 2", "DataRow 3", "PortalSuspended", "DataRow 4", "CommandComplete SELECT 1", "ReadyForQuery I"},
		}}},
		{"error skips to Sync", []step{
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "selec 1"},
				&pgproto3.Bind{},
				&pgproto3.Execute{},
				sync,
			}, want: []string{"ErrorResponse 42601", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select 2"},
				&pgproto3.Bind{},
				&pgproto3.Execute{},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "DataRow 2", "CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"describe statement before bind", []step{{
			send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "s1", Query: "select dport + $1 as x, proto from flows where sport > $2", ParameterOIDs: []uint32{23}},
				&pgproto3.Describe{ObjectType: 'S', Name: "s1"},
				&pgproto3.Parse{Name: "s2", Query: "select $1::varchar as t", ParameterOIDs: []uint32{705}},
				&pgproto3.Describe{ObjectType: 'S', Name: "s2"},
				&pgproto3.Parse{Name: "s3", Query: "set extra_float_digits = 3"},
				&pgproto3.Describe{ObjectType: 'S', Name: "s3"},
				&pgproto3.Parse{Name: "s4", Query: "select $1 as t", ParameterOIDs: []uint32{20}},
				&pgproto3.Describe{ObjectType: 'S', Name: "s4"},
				sync,
			},
			want: []string{"ParseComplete", "ParameterDescription [23 23]", "RowDescription x:23,proto:25",
				"ParseComplete", "ParameterDescription [25]", "RowDescription t:25",
				"ParseComplete", "ParameterDescription []", "NoData",
				"ParseComplete", "ParameterDescription [20]", "RowDescription t:20",
				"ReadyForQuery I"},
		}}},
		{"untyped parameter after Describe S", []step{{
			send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "s6", Query: "select dport + $1 as x from flows"},
				&pgproto3.Describe{ObjectType: 'S', Name: "s6"},
				&pgproto3.Bind{PreparedStatement: "s6", Parameters: [][]byte{[]byte("1")}},
				sync,
			},
			want: []string{"ParseComplete", "ParameterDescription [25]", "RowDescription unknown:25", "ErrorResponse 42P18", "ReadyForQuery I"},
		}}},
		{"untyped parameters are described after Bind", []step{{
			send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "s5", Query: "select dport + $1 as x from flows where sport > $2 order by x"},
				&pgproto3.Bind{PreparedStatement: "s5", Parameters: [][]byte{[]byte("1"), []byte("52000")}},
				&pgproto3.Describe{ObjectType: 'P'},
				&pgproto3.Execute{},
				sync,
			},
			want: []string{"ParseComplete", "BindComplete", "RowDescription x:20", "DataRow 54", "CommandComplete SELECT 1", "ReadyForQuery I"},
		}}},
		{"named portal survives Sync in a transaction", []step{
			{send: []pgproto3.FrontendMessage{q("begin")}, want: []string{"CommandComplete BEGIN", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select range from range(3)"},
				&pgproto3.Bind{DestinationPortal: "p"},
				&pgproto3.Execute{Portal: "p", MaxRows: 1},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "DataRow 0", "PortalSuspended", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{&pgproto3.Execute{Portal: "p", MaxRows: 5}, sync},
				want: []string{"DataRow 1", "DataRow 2", "CommandComplete SELECT 2", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q("commit")}, want: []string{"CommandComplete COMMIT", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{&pgproto3.Execute{Portal: "p"}, sync},
				want: []string{"ErrorResponse 34000", "ReadyForQuery I"}},
		}},
		{"failed transaction", []step{
			{send: []pgproto3.FrontendMessage{q("begin; select 1")}, want: []string{"CommandComplete BEGIN", "RowDescription ?column?:23", "DataRow 1", "CommandComplete SELECT 1", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q("select * from nope")}, want: []string{"ErrorResponse 42P01", "ReadyForQuery E"}},
			{send: []pgproto3.FrontendMessage{q("select 1")}, want: []string{"ErrorResponse 25P02", "ReadyForQuery E"}},
			{send: []pgproto3.FrontendMessage{q("commit")}, want: []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{q("commit")}, want: []string{"NoticeResponse 25P01", "CommandComplete COMMIT", "ReadyForQuery I"}},
		}},
		{"empty queries", []step{
			{send: []pgproto3.FrontendMessage{q(";")}, want: []string{"EmptyQueryResponse", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{q(" -- nothing\n")}, want: []string{"EmptyQueryResponse", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{&pgproto3.Parse{}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, sync},
				want: []string{"ParseComplete", "BindComplete", "NoData", "EmptyQueryResponse", "ReadyForQuery I"}},
		}},
		{"close and reuse", []step{
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "a", Query: "select 1 as one"},
				&pgproto3.Parse{Name: "a", Query: "select 1 as one"},
				sync,
			}, want: []string{"ParseComplete", "ErrorResponse 42P05", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Close{ObjectType: 'S', Name: "a"},
				&pgproto3.Parse{Name: "a", Query: "select 2 as two"},
				&pgproto3.Bind{PreparedStatement: "a"},
				&pgproto3.Describe{ObjectType: 'P'},
				&pgproto3.Execute{},
				&pgproto3.Bind{PreparedStatement: "a", DestinationPortal: "x"},
				&pgproto3.Bind{PreparedStatement: "a", DestinationPortal: "y"},
				&pgproto3.Execute{Portal: "x"},
				&pgproto3.Execute{Portal: "y"},
				sync,
			}, want: []string{"CloseComplete", "ParseComplete", "BindComplete", "RowDescription two:23", "DataRow 2", "CommandComplete SELECT 1",
				"BindComplete", "BindComplete", "DataRow 2", "CommandComplete SELECT 1", "DataRow 2", "CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"bind errors", []step{
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select $1::int as v"},
				&pgproto3.Bind{},
				sync,
			}, want: []string{"ParseComplete", "ErrorResponse 08P01", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select $1::int as v"},
				&pgproto3.Bind{Parameters: [][]byte{[]byte("x1")}},
				sync,
			}, want: []string{"ParseComplete", "ErrorResponse 22P02", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select $1::int as v"},
				&pgproto3.Bind{Parameters: [][]byte{[]byte("41")}},
				&pgproto3.Execute{},
				&pgproto3.Bind{Parameters: [][]byte{{0, 0, 0, 42}}, ParameterFormatCodes: []int16{1}, ResultFormatCodes: []int16{1}},
				&pgproto3.Execute{},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "DataRow 41", "CommandComplete SELECT 1", "BindComplete", "DataRow \x00\x00\x00*", "CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"cursors", []step{
			{send: []pgproto3.FrontendMessage{q(`begin; declare "c1" cursor without hold for select range from range(5)`)},
				want: []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q(`fetch forward 2 from "c1"`)},
				want: []string{"RowDescription range:20", "DataRow 0", "DataRow 1", "CommandComplete FETCH 2", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q(`move 1 in c1; fetch all from c1`)},
				want: []string{"CommandComplete MOVE 1", "RowDescription range:20", "DataRow 3", "DataRow 4", "CommandComplete FETCH 2", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q(`fetch 10 from c1; close c1; close c1`)},
				want: []string{"RowDescription range:20", "CommandComplete FETCH 0", "CommandComplete CLOSE CURSOR", "ErrorResponse 34000", "ReadyForQuery E"}},
			{send: []pgproto3.FrontendMessage{q(`rollback`)}, want: []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{q(`declare c2 cursor for select 1`)}, want: []string{"ErrorResponse 25P01", "ReadyForQuery I"}},
		}},
		{"copy to stdout", []step{
			{send: []pgproto3.FrontendMessage{q("copy (select 'a\tb' as x, null as y, 1.5 as z) to stdout")},
				want: []string{"CopyOutResponse", "CopyData", "CopyDone", "CommandComplete COPY 1", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{q("copy flows (proto) to stdout")},
				want: []string{"CopyOutResponse", "CopyData", "CopyData", "CopyData", "CopyDone", "CommandComplete COPY 3", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{q("copy flows from stdin")}, want: []string{"ErrorResponse 42501", "ReadyForQuery I"}},
		}},
		{"rows stream before a late error", []step{
			// A materialised result would fail at the first Execute.
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select case when range = 9999999 then error('late') else range end as n from range(10000000)"},
				&pgproto3.Bind{},
				&pgproto3.Execute{MaxRows: 3},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "DataRow 0", "DataRow 1", "DataRow 2", "PortalSuspended", "ReadyForQuery I"}},
		}},
		{"portals interleave with other statements", []step{
			{send: []pgproto3.FrontendMessage{q("begin")}, want: []string{"CommandComplete BEGIN", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Name: "a", Query: "select range from range(100000)"},
				&pgproto3.Bind{PreparedStatement: "a", DestinationPortal: "p"},
				&pgproto3.Execute{Portal: "p", MaxRows: 2},
				&pgproto3.Parse{Name: "b", Query: "select range * 10 from range(100000)"},
				&pgproto3.Bind{PreparedStatement: "b", DestinationPortal: "r"},
				&pgproto3.Execute{Portal: "r", MaxRows: 1},
				&pgproto3.Execute{Portal: "p", MaxRows: 1},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "DataRow 0", "DataRow 1", "PortalSuspended",
				"ParseComplete", "BindComplete", "DataRow 0", "PortalSuspended", "DataRow 2", "PortalSuspended", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q("select 42")}, want: []string{"RowDescription ?column?:23", "DataRow 42", "CommandComplete SELECT 1", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{&pgproto3.Execute{Portal: "r", MaxRows: 2}, &pgproto3.Execute{Portal: "p", MaxRows: 1}, sync},
				want: []string{"DataRow 10", "DataRow 20", "PortalSuspended", "DataRow 3", "PortalSuspended", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q("commit")}, want: []string{"CommandComplete COMMIT", "ReadyForQuery I"}},
		}},
		{"cursor survives other statements", []step{
			{send: []pgproto3.FrontendMessage{q("begin; declare c cursor for select range from range(100000); fetch 2 from c; select 7; fetch 2 from c")},
				want: []string{"CommandComplete BEGIN", "CommandComplete DECLARE CURSOR", "RowDescription range:20", "DataRow 0", "DataRow 1", "CommandComplete FETCH 2",
					"RowDescription ?column?:23", "DataRow 7", "CommandComplete SELECT 1",
					"RowDescription range:20", "DataRow 2", "DataRow 3", "CommandComplete FETCH 2", "ReadyForQuery T"}},
			{send: []pgproto3.FrontendMessage{q("rollback")}, want: []string{"CommandComplete ROLLBACK", "ReadyForQuery I"}},
		}},
		{"types without a PostgreSQL counterpart are DuckDB's text", []step{
			{send: []pgproto3.FrontendMessage{q("select map([1, 2], ['a', 'b']) as m, '101'::bit as b, timetz '12:00:00+02' as t, " +
				"union_value(k := 'x')::union(k varchar, n int) as u, [map([1], ['x'])] as lm, 1 as m;")},
				want: []string{"RowDescription m:25,b:25,t:25,u:25,lm:25,m:23", "DataRow {1=a, 2=b},101,12:00:00+02,x,[{1=x}],1",
					"CommandComplete SELECT 1", "ReadyForQuery I"}},
			{send: []pgproto3.FrontendMessage{
				&pgproto3.Parse{Query: "select map([$1::int], ['v']) as m order by 1 -- a comment"},
				&pgproto3.Bind{Parameters: [][]byte{[]byte("7")}},
				&pgproto3.Describe{ObjectType: 'P'},
				&pgproto3.Execute{},
				sync,
			}, want: []string{"ParseComplete", "BindComplete", "RowDescription m:25", "DataRow {7=v}", "CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"lists are PostgreSQL arrays", []step{
			{send: []pgproto3.FrontendMessage{q(`select [1, 2, null] as a, ['x', 'a b', '', 'NULL', 'q"\'] as t, []::int[] as e, [[1]] as n, ` +
				`[timestamptz '2026-11-27 05:06:02+00'] as ts, [1.5]::decimal(4,1)[] as d`)},
				want: []string{"RowDescription a:1007,t:1009,e:1007,n:25,ts:1185,d:1231",
					`DataRow {1,2,NULL},{x,"a b","","NULL","q\"\\"},{},[[1]],{"2026-11-27 05:06:02+00"},{1.5}`,
					"CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"rewritten catalog queries keep PostgreSQL's column names", []step{
			{send: []pgproto3.FrontendMessage{q("select format_type(23, -1), pg_catalog.format_type(1007, -1) as t, version() is not null")},
				want: []string{"RowDescription format_type:25,t:25,?column?:16", "DataRow integer,integer[],t", "CommandComplete SELECT 1", "ReadyForQuery I"}},
		}},
		{"show and set", []step{
			{send: []pgproto3.FrontendMessage{q("set application_name = 'grafana'; show application_name; show TimeZone")},
				want: []string{"CommandComplete SET", "RowDescription application_name:25", "DataRow grafana", "CommandComplete SHOW",
					"RowDescription TimeZone:25", "DataRow UTC", "CommandComplete SHOW", "ReadyForQuery I"}},
		}},
	}
	for _, sc := range scripts {
		t.Run(sc.name, func(t *testing.T) {
			c := rawConnect(t, addr)
			for i, st := range sc.steps {
				c.send(st.send...)
				got := c.recvUntilReady()
				if !reflect.DeepEqual(got, st.want) {
					t.Errorf("step %d:\ngot  %q\nwant %q", i, got, st.want)
				}
			}
		})
	}
}

// TestConnMemoryLimit leaves a cursor over a large result open while the
// session runs another statement: the rest of the cursor's result must be
// kept, and past Config.ConnMemoryLimit its reader gets 53200 after the
// rows that fitted, while the session and the other statement go on.
func TestConnMemoryLimit(t *testing.T) {
	cfg := pgwireConfig()
	cfg.ConnMemoryLimit = 1 << 20
	_, addr := startServer(t, cfg, nil)
	c := rawConnect(t, addr)
	q := func(s string) *pgproto3.Query { return &pgproto3.Query{String: s} }
	c.send(q("begin; declare big cursor for select range, repeat('x', 100) as pad from range(1000000); " +
		"declare small cursor for select range from range(10); fetch 1 from big; fetch 1 from small"))
	c.recvUntilReady()
	c.send(q("select 42"))
	if got := c.recvUntilReady(); !reflect.DeepEqual(got, []string{"RowDescription ?column?:23", "DataRow 42", "CommandComplete SELECT 1", "ReadyForQuery T"}) {
		t.Fatalf("select 42 beside the open cursors: %q", got)
	}
	c.send(q("fetch all from small"))
	if got := c.recvUntilReady(); len(got) != 12 || got[len(got)-2] != "CommandComplete FETCH 9" {
		t.Fatalf("fetch all from small: %q", got)
	}
	c.send(q("fetch all from big"))
	got := c.recvUntilReady()
	rows := 0
	for _, m := range got {
		if strings.HasPrefix(m, "DataRow ") {
			rows++
		}
	}
	if rows == 0 || rows > 20000 || got[len(got)-2] != "ErrorResponse 53200" {
		t.Fatalf("fetch all from big: %d rows, ending %q; want some rows, then 53200", rows, got[max(0, len(got)-2):])
	}
	c.send(q("rollback"))
	c.recvUntilReady()
	c.send(q("select 7"))
	if got := c.recvUntilReady(); got[1] != "DataRow 7" {
		t.Fatalf("after the error: %q", got)
	}
}
