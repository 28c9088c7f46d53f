package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"tapdb/pgwire"
)

func runUser(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user", "tapdb user add|del|list [--users FILE] [--password-stdin] [NAME]")
	users := fs.String("users", "tapdb.users", "users file")
	stdinPass := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if len(args) == 0 {
		fs.Usage()
		return &usageError{"want add, del or list"}
	}
	verb := args[0]
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch verb {
	case "list":
		names, err := pgwire.ListUsers(*users)
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintln(e.stdout, n)
		}
		return nil
	case "del":
		if fs.NArg() != 1 {
			return &usageError{"want the user's NAME"}
		}
		return pgwire.DelUser(*users, fs.Arg(0))
	case "add":
		if fs.NArg() != 1 {
			return &usageError{"want the user's NAME"}
		}
		pass, err := readPassword(e, *stdinPass)
		if err != nil {
			return err
		}
		if pass == "" {
			return &usageError{"empty password"}
		}
		if err := pgwire.AddUser(*users, fs.Arg(0), pass); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "user %s stored in %s (SCRAM-SHA-256 verifier only)\n", fs.Arg(0), *users)
		return nil
	}
	return &usageError{fmt.Sprintf("unknown user command %q: want add, del or list", verb)}
}

func readPassword(e *env, fromStdin bool) (string, error) {
	if !fromStdin {
		if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			fmt.Fprint(e.stderr, "password: ")
			p1, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			fmt.Fprint(e.stderr, "again: ")
			p2, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(e.stderr)
			if err != nil {
				return "", fmt.Errorf("read password: %w", err)
			}
			if string(p1) != string(p2) {
				return "", fmt.Errorf("passwords differ")
			}
			return string(p1), nil
		}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
