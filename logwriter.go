package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// A logWriter batches a busy server's log lines into few writes. A line
// that comes after a quiet spell is written at once; lines that follow it
// within the interval wait in a buffer and are written together when the
// interval ends (or the buffer fills). Under load that is one write system
// call every interval instead of one a line, and a line is never more than
// the interval late. Flush before exiting.
type logWriter struct {
	mu      sync.Mutex
	out     io.Writer
	buf     *bufio.Writer
	every   time.Duration
	flushed time.Time // when lines last went out
	armed   bool      // a flush is due at the end of the interval
}

func newLogWriter(out io.Writer, every time.Duration) *logWriter {
	return &logWriter{out: out, buf: bufio.NewWriterSize(out, 64<<10), every: every}
}

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Buffered() == 0 && time.Since(l.flushed) >= l.every {
		l.flushed = time.Now()
		return l.out.Write(p)
	}
	if !l.armed {
		l.armed = true
		time.AfterFunc(l.every, func() { l.Flush() })
	}
	return l.buf.Write(p)
}

// Flush writes out the lines waiting in the buffer.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.armed = false
	l.flushed = time.Now()
	return l.buf.Flush()
}
