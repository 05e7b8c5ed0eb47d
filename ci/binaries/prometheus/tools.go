//go:build tools

// Package tools pins the main packages this wrapper module builds, so that
// "go mod tidy" keeps every module they need in go.mod and go.sum.
// The file is never compiled (the "tools" build tag is never set).
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/prometheus"
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
