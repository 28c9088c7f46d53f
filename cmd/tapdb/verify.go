package main

import (
	"context"
	"errors"
	"fmt"

	"tapdb/store"
)

// errTampered is verify's exit status 1: the store does not match its
// chain.
var errTampered = errors.New("the store does not match its tamper-evidence chain")

func runVerify(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "verify", "tapdb verify [-r] STORE   (recompute every sealed period's digest and the chain linking them)")
	path := fs.String("r", "", "the store to check (or give it as the argument)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *path == "" && fs.NArg() == 1 {
		*path = fs.Arg(0)
	} else if *path == "" || fs.NArg() != 0 {
		fs.Usage()
		return &usageError{"want one STORE"}
	}
	st, err := store.Open(ctx, *path, store.Options{ReadOnly: true, MustExist: true, Logger: e.log})
	if err != nil {
		return err
	}
	defer st.Close()
	periods, err := st.Periods(ctx)
	if err != nil {
		return err
	}
	problems, err := st.Verify(ctx)
	if err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(e.stdout, p)
	}
	if len(problems) > 0 {
		return errTampered
	}
	through := "nothing sealed yet"
	if t := st.SealedThrough(); !t.IsZero() {
		through = "sealed through " + t.Format("2006-01-02T15:04:05Z")
	}
	fmt.Fprintf(e.stdout, "ok: %d sealed periods match their digests and chain (%s)\n", len(periods), through)
	return nil
}
