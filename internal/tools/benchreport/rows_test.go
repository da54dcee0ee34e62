package main

import (
	"strings"
	"testing"
)

func TestOnlyFlag(t *testing.T) {
	var r rows
	if !r.has("naive") {
		t.Error("no -only: every part runs")
	}
	if err := r.Set("nochange, warm"); err != nil {
		t.Fatal(err)
	}
	if !r.has("nochange") || !r.has("warm") || r.has("naive") || r.has("initial") {
		t.Errorf("-only nochange,warm runs %v", r.String())
	}
	err := r.Set("nochange,fast")
	if err == nil || !strings.Contains(err.Error(), `"fast" is not one of initial, nochange`) {
		t.Errorf("err = %v, want one naming the unknown part and the known ones", err)
	}
}
