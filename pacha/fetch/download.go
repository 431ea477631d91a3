package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/batuta-go/stack/pacha/store"
)

// remote is one file to download.
type remote struct {
	Name   string      // path inside the model
	URL    string      // where the bytes are
	Header http.Header // extra request headers (authorisation)
	Size   int64       // -1: unknown
	ETag   string      // as the server sent it; "" when none
	SHA256 string      // hex, when the source published it
	Ranges bool        // the server serves byte ranges
	// Do makes the requests when set (an OCI registry's authenticating
	// client); else Options.Client does.
	Do func(*http.Request) (*http.Response, error)
}

// ErrSourceChanged says the file changed on the server during a download
// (its ETag moved, or it stopped honouring If-Range); the partial file is
// discarded and the pull can be run again.
var ErrSourceChanged = errors.New("pacha/fetch: file changed on the server during the download")

type retryErr struct {
	err   error
	after time.Duration
}

func (e *retryErr) Error() string { return e.err.Error() }
func (e *retryErr) Unwrap() error { return e.err }

// partialState records which chunks of a partial download are complete.
type partialState struct {
	Identity  string `json:"identity"`
	Size      int64  `json:"size"`
	ChunkSize int64  `json:"chunkSize"`
	Done      []bool `json:"done"`
}

func strongETag(e string) string {
	if strings.HasPrefix(e, "W/") {
		return ""
	}
	return e
}

func trimETag(e string) string { return strings.Trim(strings.TrimPrefix(e, "W/"), `"`) }

// download fetches rm into the store (parallel ranges, resume, retries)
// and commits it after checking size, SHA-256 (when known) and hashing
// BLAKE3. The caller holds a store Session.
func (o *Options) download(ctx context.Context, st *store.Store, rm remote) (store.Digest, int64, error) {
	d, n, err := o.downloadOnce(ctx, st, rm)
	if errors.Is(err, ErrSourceChanged) && rm.SHA256 != "" && rm.Ranges {
		// Content named by its SHA-256 cannot have changed: the server
		// ignores byte ranges. Fetch it in one stream instead.
		o.Logger.Info("server ignores byte ranges; downloading in one stream", "file", rm.Name)
		rm.Ranges = false
		return o.downloadOnce(ctx, st, rm)
	}
	return d, n, err
}

func (o *Options) downloadOnce(ctx context.Context, st *store.Store, rm remote) (store.Digest, int64, error) {
	u := rm.URL
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i] // signed CDN URLs change per request
	}
	identity := fmt.Sprintf("%s|%s|%d|%s", rm.SHA256, trimETag(rm.ETag), rm.Size, u)
	if rm.SHA256 != "" {
		identity = "sha256:" + rm.SHA256
	}
	sum := sha256.Sum256([]byte(identity))
	key := hex.EncodeToString(sum[:16])
	unlock, err := st.LockPartial(ctx, key)
	if err != nil {
		return "", 0, err
	}
	defer unlock()
	// Already stored (an earlier pull, or the process we waited for)?
	if rm.SHA256 != "" {
		if d, n, ok := st.FindSHA256(ctx, rm.SHA256); ok && (rm.Size < 0 || n == rm.Size) {
			o.Logger.Info("already stored", "file", rm.Name, "digest", d)
			return d, n, nil
		}
	}

	partPath := filepath.Join(st.PartialDir(), key+".part")
	statePath := filepath.Join(st.PartialDir(), key+".json")
	ranged := rm.Ranges && rm.Size > 0
	chunk := o.ChunkSize
	if !ranged {
		chunk = max(rm.Size, 1)
	}
	nChunks := 1
	if ranged {
		nChunks = int((rm.Size + chunk - 1) / chunk)
	}
	var state partialState
	if data, err := os.ReadFile(statePath); err == nil && ranged {
		// Resume with the chunking the interrupted download used, whatever
		// the options say now.
		if json.Unmarshal(data, &state) == nil && state.Identity == identity && state.Size == rm.Size && state.ChunkSize > 0 &&
			int64(len(state.Done)) == (rm.Size+state.ChunkSize-1)/state.ChunkSize {
			chunk, nChunks = state.ChunkSize, len(state.Done)
		} else {
			state = partialState{}
		}
	}
	f, err := os.OpenFile(partPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return "", 0, fmt.Errorf("pacha/fetch: %w", err)
	}
	if state.Done == nil {
		state = partialState{Identity: identity, Size: rm.Size, ChunkSize: chunk, Done: make([]bool, nChunks)}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return "", 0, err
		}
		if rm.Size > 0 {
			if err := preallocate(f, rm.Size); err != nil {
				f.Close()
				return "", 0, fmt.Errorf("pacha/fetch: %s: %w", rm.Name, err)
			}
		}
	} else {
		done := 0
		for _, d := range state.Done {
			if d {
				done++
			}
		}
		o.Logger.Info("resuming download", "file", rm.Name, "chunks done", done, "of", nChunks)
	}

	prog := o.Progress(rm.Name, rm.Size)
	defer prog.Done()
	// With ranges, the completed prefix is hashed while later ranges
	// are still arriving.
	var in *store.Incoming
	if ranged {
		in = st.NewIncoming(f, rm.Size, rm.SHA256 != "")
	}
	// Bytes are reported as they land, not only per chunk, so that the
	// hashing follows the first chunk in flight closely instead of
	// waiting for it (and the ones beside it) to finish.
	var landed func(off, n int64)
	if in != nil {
		landed = func(off, n int64) {
			startWriteback(f, off, n)
			in.Done(off, n)
		}
	}
	chunkDone := func(i int) {
		if in != nil {
			start := int64(i) * chunk
			in.Done(start, min(start+chunk, rm.Size)-start)
		}
	}
	var mu sync.Mutex
	saveState := func() {
		mu.Lock()
		defer mu.Unlock()
		data, _ := json.Marshal(state)
		tmp := statePath + ".tmp"
		if os.WriteFile(tmp, data, 0o644) == nil {
			os.Rename(tmp, statePath)
		}
	}
	todo := make(chan int, nChunks)
	for i, d := range state.Done {
		if d {
			end := min(int64(i+1)*chunk, rm.Size)
			prog.Add(end - int64(i)*chunk)
			chunkDone(i)
		} else {
			todo <- i
		}
	}
	close(todo)

	began := time.Now()
	dctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range min(o.Parallel, max(len(todo), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, copyBuffer)
			for i := range todo {
				start, end := int64(i)*chunk, int64(-1)
				if rm.Size > 0 {
					end = min(start+chunk, rm.Size) - 1
				}
				if err := o.fetchChunk(dctx, f, rm, start, end, ranged, buf, prog, landed); err != nil {
					cancel(err)
					return
				}
				if ranged && rm.SHA256 == "" {
					// Nothing end to end would catch a chunk recorded as
					// done but lost in a power cut: make it durable first.
					if err := f.Sync(); err != nil {
						cancel(err)
						return
					}
				}
				mu.Lock()
				state.Done[i] = true
				mu.Unlock()
				chunkDone(i)
				if ranged {
					saveState()
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(dctx); err != nil && dctx.Err() != nil {
		if in != nil {
			in.Abort()
		}
		f.Close()
		if errors.Is(err, ErrSourceChanged) {
			os.Remove(partPath)
			os.Remove(statePath)
		}
		if ctx.Err() != nil {
			return "", 0, fmt.Errorf("pacha/fetch: %s: %w (partial download kept for resuming)", rm.Name, ctx.Err())
		}
		return "", 0, fmt.Errorf("pacha/fetch: %s: %w", rm.Name, err)
	}
	o.Logger.Debug("downloaded", "file", rm.Name, "size", rm.Size, "seconds", time.Since(began).Seconds())
	began = time.Now()
	want := store.Expect{SHA256: rm.SHA256, Size: rm.Size, SizeKnown: rm.Size >= 0}
	var d store.Digest
	var n int64
	if in != nil {
		d, n, err = in.Commit(ctx, want)
	} else {
		d, n, err = st.CommitFile(ctx, f, want)
	}
	o.Logger.Debug("verified and committed", "file", rm.Name, "seconds", time.Since(began).Seconds())
	os.Remove(statePath)
	if err != nil {
		return "", 0, fmt.Errorf("pacha/fetch: %s: verification failed, nothing stored: %w", rm.Name, err)
	}
	return d, n, nil
}

// fetchChunk downloads bytes [start, end] (end -1: to the end of the
// file) into f, resuming after failures from the last byte written.
// landed, when not nil, is told about written bytes (ranged downloads
// only: there a byte once written is final).
func (o *Options) fetchChunk(ctx context.Context, f *os.File, rm remote, start, end int64, ranged bool, buf []byte, prog Progress, landed func(off, n int64)) error {
	off := start
	failures := 0
	for {
		if !ranged {
			landed = nil
		}
		n, err := o.getRange(ctx, f, rm, off, end, ranged, buf, prog, landed)
		off += n
		if err == nil {
			return nil
		}
		var re *retryErr
		if !errors.As(err, &re) || ctx.Err() != nil {
			return err
		}
		if n > 0 {
			failures = 0
		}
		if !ranged && off != start {
			// Without ranges the transfer restarts from the beginning;
			// drop what the failed attempt wrote.
			prog.Add(start - off)
			off = start
			if err := f.Truncate(start); err != nil {
				return err
			}
		}
		failures++
		if failures > o.Retries {
			return fmt.Errorf("giving up after %d attempts: %w", failures, re.err)
		}
		o.Logger.Warn("retrying", "file", rm.Name, "offset", off, "attempt", failures, "error", re.err)
		if err := o.backoff(ctx, failures-1, re.after); err != nil {
			return err
		}
	}
}

// copyBuffer is the size of each download goroutine's buffer, and of
// the writes into the file.
const copyBuffer = 1 << 20

// landedStep is how many written bytes getRange gathers before telling
// landed: the hashing then trails the download by about this much.
const landedStep = 4 << 20

// getRange makes one request for [off, end] and writes what arrives,
// telling landed (if not nil) about written bytes every landedStep and
// when it returns.
func (o *Options) getRange(ctx context.Context, f *os.File, rm remote, off, end int64, ranged bool, buf []byte, prog Progress, landed func(off, n int64)) (n int64, err error) {
	var told int64 // bytes passed to landed
	if landed != nil {
		defer func() {
			if n > told {
				landed(off+told, n-told)
			}
		}()
	}
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, rm.URL, nil)
	if err != nil {
		return 0, err
	}
	for k, v := range rm.Header {
		req.Header[k] = v
	}
	partial := ranged && (off > 0 || end != rm.Size-1)
	if partial {
		if end >= 0 {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", off, end))
		} else {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
		}
		if e := strongETag(rm.ETag); e != "" {
			req.Header.Set("If-Range", e)
		}
	}
	do := o.Client.Do
	if rm.Do != nil {
		do = rm.Do
	}
	resp, err := do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, &retryErr{err: err}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent && partial:
		if cr := resp.Header.Get("Content-Range"); !strings.HasPrefix(cr, "bytes "+strconv.FormatInt(off, 10)+"-") {
			return 0, fmt.Errorf("pacha/fetch: asked for bytes from %d, server sent %q", off, cr)
		}
	case resp.StatusCode == http.StatusOK && !partial:
	case resp.StatusCode == http.StatusOK && partial:
		// The server ignored the range: If-Range failed (the file
		// changed) or it stopped serving ranges.
		return 0, ErrSourceChanged
	case retryable(resp.StatusCode):
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return 0, &retryErr{err: &HTTPError{URL: rm.URL, StatusCode: resp.StatusCode, Status: resp.Status}, after: retryAfter(resp.Header)}
	default:
		return 0, &HTTPError{URL: rm.URL, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	if e := resp.Header.Get("ETag"); e != "" && rm.ETag != "" && trimETag(e) != trimETag(rm.ETag) {
		return 0, ErrSourceChanged
	}
	timer := time.AfterFunc(o.StallTimeout, func() { cancel(errStalled) })
	defer timer.Stop()
	var body io.Reader = &stallReader{r: resp.Body, timer: timer, d: o.StallTimeout}
	want := int64(-1)
	if end >= 0 {
		want = end - off + 1
		body = io.LimitReader(body, want)
	}
	for {
		// Fill the buffer before writing: a socket read returns what one
		// segment burst held (often 64 KiB), and each write into the
		// page cache has a fixed cost of its own.
		k, rerr := 0, error(nil)
		for k < len(buf) && rerr == nil {
			var m int
			m, rerr = body.Read(buf[k:])
			k += m
		}
		if k > 0 {
			if _, err := f.WriteAt(buf[:k], off+n); err != nil {
				return n, fmt.Errorf("pacha/fetch: writing %s: %w", rm.Name, err)
			}
			n += int64(k)
			prog.Add(int64(k))
			if landed != nil && n-told >= landedStep {
				landed(off+told, n-told)
				told = n
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			if context.Cause(rctx) == errStalled {
				rerr = errStalled
			}
			return n, &retryErr{err: rerr}
		}
	}
	if want >= 0 && n < want {
		return n, &retryErr{err: fmt.Errorf("connection closed after %d of %d bytes: %w", n, want, io.ErrUnexpectedEOF)}
	}
	return n, nil
}
