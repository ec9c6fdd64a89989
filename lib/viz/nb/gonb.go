package nb

import (
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// This file speaks GoNB's display protocol, all that nb needs of GoNB:
// gob-encoded protocol.DisplayData values written to the named pipe in
// $GONB_PIPE, and a sync request that GoNB answers on the pipe in
// $GONB_PIPE_BACK once it has read everything before it. It does what
// gonbui.SendData, UpdateHTML and Sync do (the same messages, in the same
// order) without importing gonbui: gonbui's own imports (klog, a UUID
// package with database/sql, net, os/user and so cgo) are linked into every
// cell that shows a chart and cost it about a quarter of a CPU-second of
// linking (issue 21; bench/cells measures it). The protocol package itself
// imports only encoding/gob.

// inNotebook says whether this program was started by a GoNB kernel.
var inNotebook = os.Getenv(protocol.GONB_PIPE_ENV) != ""

// gonb is the connection to the kernel, opened on first use. Once an error
// has happened it stays (as in gonbui): the pipes are closed and later
// displays return it.
var gonb struct {
	mu  sync.Mutex
	w   *os.File
	enc *gob.Encoder
	r   *os.File
	dec *gob.Decoder
	err error
	// next is the id of the next sync request.
	next int
}

// openLocked opens both pipes: the writer first, then the reader, in
// gonbui's order (GoNB opens its ends in the same order).
func openLocked() error {
	if gonb.err != nil || gonb.w != nil {
		return gonb.err
	}
	if !inNotebook {
		return errors.New("nb: not running under GoNB")
	}
	w, err := os.OpenFile(os.Getenv(protocol.GONB_PIPE_ENV), os.O_WRONLY, 0)
	if err != nil {
		gonb.err = fmt.Errorf("nb: opening GoNB's pipe: %w", err)
		return gonb.err
	}
	r, err := os.OpenFile(os.Getenv(protocol.GONB_PIPE_BACK_ENV), os.O_RDONLY, 0)
	if err != nil {
		w.Close()
		gonb.err = fmt.Errorf("nb: opening GoNB's reply pipe: %w", err)
		return gonb.err
	}
	gonb.w, gonb.enc = w, gob.NewEncoder(w)
	gonb.r, gonb.dec = r, gob.NewDecoder(r)
	return nil
}

func failLocked(err error) error {
	gonb.err = err
	if gonb.w != nil {
		gonb.w.Close()
		gonb.r.Close()
	}
	return err
}

// send writes one display message to GoNB.
func send(d *protocol.DisplayData) error {
	gonb.mu.Lock()
	defer gonb.mu.Unlock()
	return sendLocked(d)
}

func sendLocked(d *protocol.DisplayData) error {
	if err := openLocked(); err != nil {
		return err
	}
	if err := gonb.enc.Encode(d); err != nil {
		return failLocked(fmt.Errorf("nb: writing to GoNB: %w", err))
	}
	return nil
}

// syncGoNB returns once GoNB has read every message sent before it: the
// cell program usually exits right after showing its last chart, and GoNB
// drops a large message (the first chart, with the echarts bundle) that it
// has not finished reading when the program's end of the pipe closes.
// Messages GoNB sends back other than the acknowledgement (widget values;
// nb uses none) are read and ignored.
func syncGoNB() error {
	gonb.mu.Lock()
	defer gonb.mu.Unlock()
	id := gonb.next
	gonb.next++
	if err := sendLocked(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: id},
	}}); err != nil {
		return err
	}
	for {
		var v protocol.CommValue
		if err := gonb.dec.Decode(&v); err != nil {
			return failLocked(fmt.Errorf("nb: waiting for GoNB's acknowledgement: %w", err))
		}
		if got, ok := v.Value.(int); ok && v.Address == protocol.GonbuiSyncAckAddress && got == id {
			return nil
		}
	}
}
