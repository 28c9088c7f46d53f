package pgwire

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xdg-go/scram"
)

func TestUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users")
	if names, err := ListUsers(path); err != nil || names != nil {
		t.Fatalf("missing file: %v %v", names, err)
	}
	for _, u := range []string{"bob", "alice", "bob"} {
		if err := AddUser(path, u, "pw-"+u); err != nil {
			t.Fatal(err)
		}
	}
	names, err := ListUsers(path)
	if err != nil || !reflect.DeepEqual(names, []string{"alice", "bob"}) {
		t.Fatalf("ListUsers = %v, %v", names, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "pw-") {
		t.Error("the users file holds a password")
	}
	// The stored verifier authenticates the password with a SCRAM client.
	users, _ := readUsers(path)
	creds, err := parseVerifier(users["alice"])
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	client, _ := scram.SHA256.NewClient("alice", "pw-alice", "")
	cc, sc := client.NewConversation(), srv.NewConversation()
	msg, _ := cc.Step("")
	for !cc.Done() {
		if msg, err = sc.Step(msg); err != nil {
			t.Fatalf("server: %v", err)
		}
		if msg, err = cc.Step(msg); err != nil {
			t.Fatalf("client: %v", err)
		}
	}
	if !sc.Valid() {
		t.Error("verifier does not match the password")
	}
	if err := DelUser(path, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := DelUser(path, "bob"); !errors.Is(err, ErrNoUser) {
		t.Errorf("second delete: %v", err)
	}
	for _, bad := range []string{"", "a:b", "new\nline", strings.Repeat("x", 64)} {
		if err := AddUser(path, bad, "pw"); err == nil {
			t.Errorf("AddUser(%q) accepted", bad)
		}
	}
}
