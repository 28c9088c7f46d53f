package pgwire

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/xdg-go/scram"
)

// The users file holds one line per user, "name:verifier", where the
// verifier has PostgreSQL's pg_authid format
//
//	SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
//
// (base64 fields). Passwords are never stored. The file is written with
// mode 0600 through a temporary file and a rename.

// scramIterations is PostgreSQL's default scram_iterations.
const scramIterations = 4096

// ErrNoUser is returned by DelUser for a user that does not exist.
var ErrNoUser = errors.New("no such user")

// validUserName reports whether name can be stored in the users file.
func validUserName(name string) bool {
	if name == "" || len(name) > 63 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_.-@", r)) {
			return false
		}
	}
	return true
}

// AddUser stores a SCRAM-SHA-256 verifier for name in the users file at
// path, creating the file or replacing the user's previous verifier.
func AddUser(path, name, password string) error {
	if !validUserName(name) {
		return fmt.Errorf("add user %q: name must be 1-63 letters, digits or _.-@", name)
	}
	if password == "" {
		return fmt.Errorf("add user %q: empty password", name)
	}
	v, err := makeVerifier(password)
	if err != nil {
		return fmt.Errorf("add user %q: %w", name, err)
	}
	users, err := readUsers(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("add user %q: %w", name, err)
	}
	if users == nil {
		users = map[string]string{}
	}
	users[name] = v
	if err := writeUsers(path, users); err != nil {
		return fmt.Errorf("add user %q: %w", name, err)
	}
	return nil
}

// DelUser removes name from the users file; ErrNoUser if absent.
func DelUser(path, name string) error {
	users, err := readUsers(path)
	if err != nil {
		return fmt.Errorf("delete user %q: %w", name, err)
	}
	if _, ok := users[name]; !ok {
		return fmt.Errorf("delete user %q: %w", name, ErrNoUser)
	}
	delete(users, name)
	if err := writeUsers(path, users); err != nil {
		return fmt.Errorf("delete user %q: %w", name, err)
	}
	return nil
}

// ListUsers returns the names in the users file, sorted; none if the file
// does not exist.
func ListUsers(path string) ([]string, error) {
	users, err := readUsers(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// makeVerifier derives a PostgreSQL-format SCRAM-SHA-256 verifier.
func makeVerifier(password string) (string, error) {
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		// PostgreSQL uses the raw password when SASLprep fails.
		client, err = scram.SHA256.NewClientUnprepped("", password, "")
		if err != nil {
			return "", err
		}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("generate salt: %w", err)
	}
	creds, err := client.GetStoredCredentialsWithError(scram.KeyFactors{Salt: string(salt), Iters: scramIterations})
	if err != nil {
		return "", err
	}
	enc := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", scramIterations, enc(salt), enc(creds.StoredKey), enc(creds.ServerKey)), nil
}

// parseVerifier parses a verifier written by makeVerifier.
func parseVerifier(v string) (scram.StoredCredentials, error) {
	var c scram.StoredCredentials
	rest, ok := strings.CutPrefix(v, "SCRAM-SHA-256$")
	if !ok {
		return c, errors.New("not a SCRAM-SHA-256 verifier")
	}
	params, keys, ok := strings.Cut(rest, "$")
	if !ok {
		return c, errors.New("malformed verifier")
	}
	iter, salt, ok1 := strings.Cut(params, ":")
	stored, server, ok2 := strings.Cut(keys, ":")
	if !ok1 || !ok2 {
		return c, errors.New("malformed verifier")
	}
	n, err := strconv.Atoi(iter)
	if err != nil || n < 1 || n > 10_000_000 {
		return c, errors.New("malformed verifier iteration count")
	}
	dec := base64.StdEncoding.DecodeString
	s, err1 := dec(salt)
	sk, err2 := dec(stored)
	vk, err3 := dec(server)
	if err := errors.Join(err1, err2, err3); err != nil {
		return c, fmt.Errorf("malformed verifier: %w", err)
	}
	c.Salt, c.Iters, c.StoredKey, c.ServerKey = string(s), n, sk, vk
	return c, nil
}

// readUsers reads the users file into name → verifier.
func readUsers(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	users := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		name, v, ok := strings.Cut(t, ":")
		if !ok || !validUserName(name) {
			return nil, fmt.Errorf("%s:%d: malformed users line", path, line)
		}
		users[name] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return users, nil
}

// writeUsers replaces the users file atomically with mode 0600.
func writeUsers(path string, users map[string]string) error {
	names := make([]string, 0, len(users))
	for n := range users {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString("# tapdb users: name:SCRAM-SHA-256 verifier (no passwords)\n")
	for _, n := range names {
		fmt.Fprintf(&b, "%s:%s\n", n, users[n])
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".users-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
