// Command alert-receiver is the real-pod test layer's Alertmanager webhook
// target: it answers every POST with 200 and prints one JSON line per
// notification on stdout (the pod's log), with the sender's address, so a test
// can count how many notifications each Alertmanager replica sent.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// The part of Alertmanager's webhook payload a test needs.
type payload struct {
	Receiver string `json:"receiver"`
	Status   string `json:"status"`
	GroupKey string `json:"groupKey"`
	Alerts   []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Fingerprint string            `json:"fingerprint"`
	} `json:"alerts"`
}

type record struct {
	ReceivedAt int64    `json:"receivedAt"`
	From       string   `json:"from"`
	Receiver   string   `json:"receiver"`
	Status     string   `json:"status"`
	GroupKey   string   `json:"groupKey"`
	Alerts     []string `json:"alerts"`
}

func main() {
	listen := flag.String("listen", ":8080", "address to listen on")
	flag.Parse()
	var mu sync.Mutex
	out := json.NewEncoder(os.Stdout)
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusOK)
			return
		}
		var p payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, "not an Alertmanager webhook payload: "+err.Error(), http.StatusBadRequest)
			return
		}
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		rec := record{
			ReceivedAt: time.Now().UnixMilli(),
			From:       host,
			Receiver:   p.Receiver,
			Status:     p.Status,
			GroupKey:   p.GroupKey,
		}
		for _, a := range p.Alerts {
			rec.Alerts = append(rec.Alerts, a.Labels["alertname"]+"/"+a.Status+"/"+a.Fingerprint)
		}
		mu.Lock()
		err = out.Encode(rec)
		mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	log.Fatal(http.ListenAndServe(*listen, nil))
}
