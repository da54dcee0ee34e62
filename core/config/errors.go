package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"
)

// decodeError says where and what is wrong in a settings file in the
// file's terms (line, column, key, the kind of value wanted) instead of
// Go's ("cannot unmarshal string into Go struct field Config.concurrency of
// type int"). bom is the length of a byte-order mark cut off data.
func decodeError(data []byte, bom int, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var perr *time.ParseError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("%s at %s", syn.Error(), where(data, bom, syn.Offset-1)) // Offset is just after the character
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the file ends in the middle of the settings (at %s): part of it is missing", where(data, bom, int64(len(data))))
	case errors.As(err, &typ):
		key := typ.Field
		if key == "" {
			return fmt.Errorf("the file holds %s, not a settings object {…}", article(typ.Value))
		}
		// typ.Offset is relative to the innermost object decoded: the key
		// names the place well enough.
		return fmt.Errorf("%s is %s, it must be %s", key, article(typ.Value), kindOf(typ.Type.Kind().String()))
	case errors.As(err, &perr):
		return fmt.Errorf("backup.snoozed_until %q is not a time like 2026-12-01T09:00:00Z", perr.Value)
	}
	return err
}

// where is "line L, column C, byte N" of offset in data (after a BOM of
// bom bytes), counting from 1.
func where(data []byte, bom int, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d, byte %d", line, col, int(off)+bom)
}

func article(jsonKind string) string {
	switch {
	case jsonKind == "array":
		return "a list [...]"
	case jsonKind == "object":
		return "an object {...}"
	case jsonKind == "string":
		return "text in quotes"
	case jsonKind == "number":
		return "a number"
	case jsonKind == "bool":
		return "true or false"
	case len(jsonKind) > 7 && jsonKind[:7] == "number ":
		return "the number " + jsonKind[7:]
	}
	return jsonKind
}

func kindOf(goKind string) string {
	switch goKind {
	case "int", "int64", "float64":
		return "a whole number without quotes"
	case "string":
		return "text in quotes"
	case "bool":
		return "true or false, without quotes"
	case "struct":
		return "an object {...}"
	}
	return goKind
}

// saveError turns a failed write into what to do about it.
func saveError(path string, err error) error {
	if errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("cannot save the settings %s: the folder is read-only (%v): check the disk (one is made "+
			"read-only after errors) or the folder's permissions; nothing was changed", path, rootCause(err))
	}
	return fmt.Errorf("cannot save the settings %s: %w; nothing was changed", path, err)
}

func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}
