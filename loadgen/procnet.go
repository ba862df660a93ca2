package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// tcpSocket is one line of /proc/net/tcp{,6}: the ports of a socket, its state and
// its inode, which names it among a process's open files.
type tcpSocket struct {
	localPort, remotePort int
	listening             bool
	inode                 uint64
}

// readTCP reads the TCP sockets of the load generator's network namespace.
func readTCP(root string) ([]tcpSocket, error) {
	var out []tcpSocket
	for _, name := range []string{"net/tcp", "net/tcp6"} {
		f, err := os.Open(filepath.Join(root, name))
		if err != nil {
			if name == "net/tcp6" {
				continue // no IPv6 here
			}
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			if s, ok := parseTCPLine(sc.Text()); ok {
				out = append(out, s)
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parseTCPLine parses "sl local rem st tx:rx tr:when retrnsmt uid timeout inode …",
// addresses being hex "ADDR:PORT" and the state hex (0A: listening).
func parseTCPLine(line string) (tcpSocket, bool) {
	f := strings.Fields(line)
	if len(f) < 10 {
		return tcpSocket{}, false
	}
	port := func(addr string) int {
		_, p, ok := strings.Cut(addr, ":")
		if !ok {
			return -1
		}
		n, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return -1
		}
		return int(n)
	}
	inode, err := strconv.ParseUint(f[9], 10, 64)
	if err != nil {
		return tcpSocket{}, false
	}
	return tcpSocket{localPort: port(f[1]), remotePort: port(f[2]), listening: f[3] == "0A", inode: inode}, true
}

// socketInodes returns the inodes of the sockets process pid has open; reading
// another user's descriptors needs root.
func socketInodes(root string, pid int) (map[uint64]bool, error) {
	dir := filepath.Join(root, strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[uint64]bool{}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		if v, ok := strings.CutPrefix(link, "socket:["); ok {
			if n, err := strconv.ParseUint(strings.TrimSuffix(v, "]"), 10, 64); err == nil {
				out[n] = true
			}
		}
	}
	return out, nil
}

// listenerPID returns the process listening on TCP port on this machine: the one
// holding the listening socket's inode.
func listenerPID(root string, port int) (int, error) {
	socks, err := readTCP(root)
	if err != nil {
		return 0, err
	}
	want := map[uint64]bool{}
	for _, s := range socks {
		if s.listening && s.localPort == port {
			want[s.inode] = true
		}
	}
	if len(want) == 0 {
		return 0, fmt.Errorf("nothing listens on port %d here", port)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		inodes, err := socketInodes(root, pid)
		if err != nil {
			continue
		}
		for in := range want {
			if inodes[in] {
				return pid, nil
			}
		}
	}
	return 0, fmt.Errorf("no readable process holds the socket listening on port %d", port)
}

// clientPorts returns the local ports of process pid's connections to remote port.
func clientPorts(root string, pid, remote int) (map[int]bool, error) {
	inodes, err := socketInodes(root, pid)
	if err != nil {
		return nil, err
	}
	socks, err := readTCP(root)
	if err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, s := range socks {
		if !s.listening && s.remotePort == remote && inodes[s.inode] {
			out[s.localPort] = true
		}
	}
	return out, nil
}

// backendPort returns the client port a PostgreSQL backend serves, from its title
// ("postgres: 15/main: user db 127.0.0.1(45678) idle"); false for other processes
// (WAL writer, checkpointer, Unix-socket clients).
func backendPort(cmdline []byte) (int, bool) {
	title := string(bytes.TrimRight(cmdline, "\x00"))
	open := strings.LastIndexByte(title, '(')
	if open < 0 {
		return 0, false
	}
	end := strings.IndexByte(title[open:], ')')
	if end < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(title[open+1 : open+end])
	return n, err == nil
}

// backendTicks returns the CPU ticks of each backend of the postmaster serving one
// of ports, by process id.
func backendTicks(root string, postmaster int, ports map[int]bool) (map[int]uint64, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	out := map[int]uint64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		s, err := readProcStat(root, pid)
		if err != nil || s.ppid != postmaster {
			continue
		}
		cmd, err := os.ReadFile(filepath.Join(root, e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if p, ok := backendPort(cmd); ok && ports[p] {
			out[pid] = s.utime + s.stime
		}
	}
	return out, nil
}
