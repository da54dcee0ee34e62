package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// listedPackage holds the fields of `go list -json` the checker uses.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	ForTest    string
	DepOnly    bool
	Standard   bool
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	ImportMap  map[string]string
	Module     *struct {
		Path      string
		Main      bool
		GoVersion string
	}
	Error *struct {
		Pos string
		Err string
	}
}

// listFields keeps the JSON small: appkit's full entry is large and go list
// computes some fields (such as Stale) only when asked.
const listFields = "ImportPath,Name,Dir,ForTest,DepOnly,Standard,GoFiles,CgoFiles,Imports,ImportMap,Module,Error"

// inMainModule reports whether p belongs to the module being checked; only
// those packages have their errors reported.
func (p *listedPackage) inMainModule() bool {
	return p.Module != nil && p.Module.Main
}

// isTestMain reports whether p is the generated main package of a test binary,
// whose source lives in the build cache and is not the user's to fix.
func (p *listedPackage) isTestMain() bool {
	return p.ForTest == "" && p.Name == "main" && strings.HasSuffix(p.ImportPath, ".test")
}

// goList runs `go list -e -deps -json` in dir for GOOS=darwin and goarch and
// returns the packages in dependency order (every package after its imports).
func goList(ctx context.Context, dir, goarch string, tests bool, patterns []string) ([]*listedPackage, error) {
	args := []string{"list", "-e", "-deps", "-json=" + listFields}
	if tests {
		args = append(args, "-test")
	}
	args = append(args, "--")
	args = append(args, patterns...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH="+goarch, "CGO_ENABLED=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list for darwin/%s in %s: %w\n%s", goarch, dir, err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listedPackage)
		err := dec.Decode(p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("decode go list output for darwin/%s: %w", goarch, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}
