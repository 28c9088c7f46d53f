// Package capture reads packet capture files: classic pcap (both byte
// orders, micro- and nanosecond timestamps), pcapng (both byte orders,
// several sections and interfaces, per-interface timestamp resolution) and
// gzip-compressed copies of either.
//
// The readers are written for this project (no libpcap) and aim at two
// things: reading fast, and saying exactly where a file is damaged.
//
// Contracts:
//
//   - Open detects the format from the first bytes (gzip by its magic 1f 8b,
//     never by the file name) and refuses empty or unknown files with a
//     *FormatError before any packet is read. "-" reads standard input.
//   - Reader.Next fills a caller-owned Frame. Frame.Data points into a buffer
//     the reader reuses: it is valid only until the next call to Next. Next
//     does not allocate once the buffer has grown to the largest frame.
//   - Next returns io.EOF at a clean end of file and a *FormatError naming the
//     file, the 1-based packet number, the byte offset (in the decompressed
//     stream) and what was wrong when the file is damaged: truncated record
//     headers or data, captured lengths above MaxCaptureLen or beyond the end
//     of the file, bad pcapng block lengths and so on. Every whole packet
//     before the damage is returned first.
//   - Reader.LinkType is the link type of the pcap header or of the first
//     pcapng interface; with pcapng each Frame carries the link type of its
//     own interface. The FCS-length bits of the pcap header are masked off.
//
// Detect is the one test of whether a file is a capture (by the magic
// numbers of pcap, pcapng and gzip): Open uses it, and so does ra -r to
// tell captures from store files.
//
// ReadFrames is the one frame loop over capture files, shared by the
// sensor (ingest.ReadFiles) and the export collector
// (collector.ReadCaptures): every file opened (and its link type checked)
// before any is read, damage read up to and reported after the other
// files, errors naming the file, packet number and offset, the context
// looked at and progress reported every few thousand frames.
//
// With FilesOptions.Hash, ReadFrames identifies each file while reading
// it (FileRead.Identity): the SHA-256 of its bytes as stored (before
// gunzip), its size and its fingerprint, the SHA-256 of the size and the
// first and last 64 KiB, which FingerprintFile computes up front from
// three small reads. The loading commands look an input up by its
// fingerprint before reading it and record both once its flows are
// committed, so that the same capture given again, under any name, is
// refused. The hashing reads no byte twice: a HashReader sits between
// the file and the buffered reader, copies what each read returned into
// 256 KiB chunks and hashes them on a goroutine of its own, so the frame
// loop does not wait for SHA-256. A damaged regular file is read to its
// end for its identity (its frames before the damage are stored); a pipe
// or standard input is identified by the bytes read, and only after.
//
// A record whose original length is smaller than its captured length, or
// larger than MaxWireLen (libpcap's 262144, on every link type), has a
// damaged header (one flipped byte there once added 4 GB to a flow): its
// frame gets WireLen = captured length and BadWireLen, and ReadFrames logs
// a warning with the file, packet number and offset (the first 10 per file)
// and reports the file in FilesRead.Damage at its end, reading on.
// Packet timestamps are converted to Unix nanoseconds. Simple Packet Blocks
// carry no timestamp; they get the time of the previous packet (0 if none).
package capture
