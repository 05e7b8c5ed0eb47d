// Command pause is the pod sandbox process of the real-pod test layer's
// nodes: it holds the pod's namespaces open until it is told to stop, and
// reaps orphaned processes when the pod shares its PID namespace, like the
// upstream pause image (which cannot be pulled here).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
