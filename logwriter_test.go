package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingWriter records each write it is given.
type countingWriter struct {
	mu     sync.Mutex
	writes int
	buf    bytes.Buffer
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	return c.buf.Write(p)
}

func (c *countingWriter) state() (int, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes, c.buf.String()
}

func TestLogWriterWritesALoneLineAtOnce(t *testing.T) {
	out := &countingWriter{}
	lw := newLogWriter(out, time.Hour)
	fmt.Fprintln(lw, "msg=serving")
	if n, s := out.state(); n != 1 || s != "msg=serving\n" {
		t.Fatalf("after one line: %d writes, %q; want it written at once", n, s)
	}
}

func TestLogWriterBatchesABurstAndLosesNothing(t *testing.T) {
	out := &countingWriter{}
	lw := newLogWriter(out, 20*time.Millisecond)
	var want strings.Builder
	for i := range 1000 {
		line := fmt.Sprintf("line=%d\n", i)
		want.WriteString(line)
		lw.Write([]byte(line))
	}
	// The first line went out at once; the others wait for the interval.
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, s := out.state()
		if s == want.String() {
			if n > 3 {
				t.Errorf("1000 lines in %d writes, want them batched", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5s only %d of %d bytes were written", len(s), want.Len())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Fprintln(lw, "tail")
	if err := lw.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, s := out.state(); !strings.HasSuffix(s, "tail\n") {
		t.Fatal("Flush did not write the waiting line")
	}
}
