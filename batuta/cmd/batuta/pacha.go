package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/batuta-go/stack/pacha/fetch"
	"github.com/batuta-go/stack/pacha/lineage"
	"github.com/batuta-go/stack/pacha/store"
)

// pachaFlags are the flags every pacha subcommand shares.
type pachaFlags struct {
	storeDir string
	verbose  int
}

// logger writes retries, resumes and timings to stderr with -v (-vv for
// debug records).
func (pf *pachaFlags) logger(c *cobra.Command) *slog.Logger {
	if pf.verbose == 0 {
		return nil
	}
	level := slog.LevelInfo
	if pf.verbose > 1 {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(c.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
}

func newPachaCmd() *cobra.Command {
	pf := &pachaFlags{}
	cmd := &cobra.Command{
		Use:   "pacha",
		Short: "Model registry: pull, list, show, tag, remove, check and trace models",
		Long: `pacha keeps models in a content-addressed store: every file is stored once
under its BLAKE3-256 digest, a manifest lists a model's files and the metadata
read from their headers, and references name:tag point at manifests.

The store lives in $BATUTA_HOME/pacha, else $XDG_DATA_HOME/batuta/pacha, else
~/.local/share/batuta/pacha; --store overrides it.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.PersistentFlags().StringVar(&pf.storeDir, "store", "", "store directory (default: see above)")
	cmd.PersistentFlags().CountVarP(&pf.verbose, "verbose", "v", "log retries and resumes to stderr (-vv: and timings)")
	cmd.AddCommand(
		newPullCmd(pf), newPushCmd(pf), newListCmd(pf), newShowCmd(pf), newRmCmd(pf),
		newTagCmd(pf), newExportCmd(pf), newGCCmd(pf), newCheckCmd(pf), newLineageCmd(pf), newAliasCmd(pf),
	)
	addSecCommands(cmd)
	secRefs = storeRefs{pf}
	// Encryption and decryption are derivations: record them in the
	// store's lineage like imports and pulls.
	secLineage = func(parent, child, op string, params map[string]string) error {
		s, err := pf.open()
		if err != nil {
			return err
		}
		// Files outside the store are named by absolute path, so that
		// the graph does not depend on where the command ran.
		if parent, err = filepath.Abs(parent); err != nil {
			return err
		}
		if child, err = filepath.Abs(child); err != nil {
			return err
		}
		return s.Lineage().Record(lineage.Edge{Parent: parent, Child: child, Operation: op, Params: params})
	}
	return cmd
}

func (pf *pachaFlags) open() (*store.Store, error) {
	root := pf.storeDir
	if root == "" {
		var err error
		if root, err = store.DefaultRoot(); err != nil {
			return nil, err
		}
	}
	return store.Open(root, nil)
}

func (pf *pachaFlags) aliases(s *store.Store) (*fetch.Aliases, error) {
	return fetch.LoadAliases(filepath.Join(s.Root(), "aliases.json"))
}

func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr(fmt.Errorf("%s wants %s (see %s --help)", c.CommandPath(), names, c.CommandPath()))
		}
		return nil
	}
}

func parseRef(s string) (store.Ref, error) {
	r, err := store.ParseRef(s)
	if err != nil {
		return r, usageErr(err)
	}
	return r, nil
}

func isNotFound(err error) bool { return fetch.IsNotFound(err) }

func isUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.Contains(msg, "accepts ") && strings.Contains(msg, " arg(s)")
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// terminalProgress draws a bar per file on stderr when it is a terminal.
func terminalProgress(stderr io.Writer, quiet bool) func(string, int64) fetch.Progress {
	f, ok := stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(name string, total int64) fetch.Progress {
		return &bar{progressbar.NewOptions64(total,
			progressbar.OptionSetDescription(name),
			progressbar.OptionSetWriter(f),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowTotalBytes(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionFullWidth(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }),
		)}
	}
}

type bar struct{ *progressbar.ProgressBar }

func (b *bar) Add(n int64) { b.Add64(n) }
func (b *bar) Done()       { b.Finish() }

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

func humanCount(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fK", float64(n)/1e3)
	case n == 0:
		return "-"
	}
	return fmt.Sprint(n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newPullCmd(pf *pachaFlags) *cobra.Command {
	var name string
	var asJSON, quiet bool
	var parallel int
	cmd := &cobra.Command{
		Use:   "pull SOURCE",
		Short: "Fetch a model into the store",
		Long: `Fetch a model into the store and verify it before anything is committed.

SOURCE is one of:
  a short name      llama3-8b-q4 (see "batuta pacha alias")
  hf://org/repo[:revision][/path]
                    Hugging Face: the named file (all shards of a split GGUF),
                    or the whole model (weights, config, tokenizer, model card);
                    HF_TOKEN authenticates, HF_ENDPOINT changes the Hub
  https://host/file[#sha256=HEX]
                    any HTTPS server; the fragment pins the content
  a local file or folder
  oci://registry/repo:tag
                    an OCI registry (credentials from ~/.docker/config.json)

Downloads use parallel byte ranges, retry on 429/5xx and dropped connections,
resume after an interruption, and honour HTTPS_PROXY/HTTP_PROXY/NO_PROXY.
Progress bars are drawn only when stderr is a terminal.`,
		Example: `  batuta pacha pull llama3-8b-q4
  batuta pacha pull hf://Qwen/Qwen2.5-0.5B-Instruct --name qwen:0.5b
  batuta pacha pull ./model.gguf --json`,
		Args: exactArgs(1, "one SOURCE"),
		RunE: func(c *cobra.Command, args []string) error {
			var ref store.Ref
			if name != "" {
				r, err := parseRef(name)
				if err != nil {
					return err
				}
				ref = r
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			al, err := pf.aliases(s)
			if err != nil {
				return err
			}
			opts := &fetch.Options{Aliases: al, Parallel: parallel, Progress: terminalProgress(c.ErrOrStderr(), quiet || asJSON), Logger: pf.logger(c)}
			start := time.Now()
			res, err := fetch.Pull(c.Context(), s, args[0], ref, opts)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]any{
					"ref": res.Ref.String(), "digest": res.Digest, "source": res.Source, "revision": res.Revision,
					"bytes": res.Downloaded, "manifest": res.Manifest,
				})
			}
			el := time.Since(start)
			fmt.Fprintf(c.OutOrStdout(), "pulled %s (%s, %d files, %s in %s)\n", res.Ref, res.Digest.Short(), len(res.Manifest.Files),
				humanBytes(res.Downloaded), el.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "store under this name[:tag] (default: the short name, repository or file name)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
	cmd.Flags().IntVar(&parallel, "parallel", 0, "ranged connections per file (default 4)")
	return cmd
}

func newPushCmd(pf *pachaFlags) *cobra.Command {
	var asJSON, quiet, plainHTTP bool
	cmd := &cobra.Command{
		Use:   "push REF oci://registry/repo:tag",
		Short: "Upload a model to an OCI registry",
		Long: `Upload a stored model to an OCI registry as an artifact: one layer per file
(named by its path, so "oras pull" writes the files back), and the pacha
manifest with the model's metadata as the config. Blobs the registry has are
not sent again. Credentials come from ~/.docker/config.json ("docker login" or
"oras login"); a loopback registry is spoken to over plain HTTP.`,
		Example: `  batuta pacha push tiny:f32 oci://registry.example.com/models/tiny:f32`,
		Args:    exactArgs(2, "REF and a target"),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := parseRef(args[0])
			if err != nil {
				return err
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			d, err := fetch.Push(c.Context(), s, ref, args[1], &fetch.Options{OCIPlainHTTP: plainHTTP, Progress: terminalProgress(c.ErrOrStderr(), quiet || asJSON), Logger: pf.logger(c)})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]string{"ref": ref.String(), "target": args[1], "digest": d})
			}
			fmt.Fprintf(c.OutOrStdout(), "pushed %s to %s (%s)\n", ref, args[1], d)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "no progress bars")
	cmd.Flags().BoolVar(&plainHTTP, "plain-http", false, "use HTTP, not HTTPS (automatic for loopback registries)")
	return cmd
}

type listRow struct {
	Ref          string       `json:"ref"`
	Digest       store.Digest `json:"digest"`
	Size         int64        `json:"size"`
	Files        int          `json:"files"`
	Format       string       `json:"format,omitempty"`
	Architecture string       `json:"architecture,omitempty"`
	Parameters   int64        `json:"parameters,omitempty"`
	Quantization string       `json:"quantization,omitempty"`
	Created      time.Time    `json:"created"`
}

func newListCmd(pf *pachaFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the models in the store",
		Args:    exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			s, err := pf.open()
			if err != nil {
				return err
			}
			refs, err := s.Refs()
			if err != nil {
				return err
			}
			rows := []listRow{}
			for _, e := range refs {
				m, err := s.Manifest(e.Digest)
				if err != nil {
					return fmt.Errorf("%s: %w (run batuta pacha check)", e.Ref, err)
				}
				md := m.Metadata
				rows = append(rows, listRow{Ref: e.Ref.String(), Digest: e.Digest, Size: m.Size(), Files: len(m.Files), Format: md.Format,
					Architecture: md.Architecture, Parameters: md.Parameters, Quantization: md.Quantization, Created: m.Created})
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), rows)
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "MODEL\tDIGEST\tSIZE\tFORMAT\tARCH\tPARAMS\tQUANT")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Ref, r.Digest.Short(), humanBytes(r.Size), dash(r.Format), dash(r.Architecture), humanCount(r.Parameters), dash(r.Quantization))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func newShowCmd(pf *pachaFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show REF",
		Short: "Show a model's metadata, files and where they are stored",
		Args:  exactArgs(1, "one REF (name[:tag])"),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := parseRef(args[0])
			if err != nil {
				return err
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			d, m, err := s.Lookup(ref)
			if err != nil {
				return err
			}
			type fileOut struct {
				store.File
				BlobPath string `json:"blobPath"`
			}
			files := []fileOut{}
			for _, f := range m.Files {
				files = append(files, fileOut{f, s.BlobPath(f.Digest)})
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), map[string]any{"ref": ref.String(), "digest": d, "metadata": m.Metadata,
					"source": m.Source, "created": m.Created, "size": m.Size(), "files": files})
			}
			md := m.Metadata
			w := c.OutOrStdout()
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			format := dash(md.Format)
			if md.GGUFVersion != 0 {
				format += fmt.Sprintf(" (v%d)", md.GGUFVersion)
			}
			params := "-"
			if md.Parameters != 0 {
				params = fmt.Sprintf("%s (%d)", humanCount(md.Parameters), md.Parameters)
			}
			ctxLen := "-"
			if md.ContextLength != 0 {
				ctxLen = fmt.Sprint(md.ContextLength)
			}
			for _, kv := range [][2]string{
				{"Model", ref.String()}, {"Digest", string(d)}, {"Name", dash(md.Name)}, {"Format", format},
				{"Architecture", dash(md.Architecture)}, {"Parameters", params}, {"Quantization", dash(md.Quantization)},
				{"Context length", ctxLen}, {"Licence", dash(md.License)}, {"Source", dash(m.Source)},
				{"Created", m.Created.Format(time.RFC3339)}, {"Size", humanBytes(m.Size())},
			} {
				fmt.Fprintf(tw, "%s:\t%s\n", kv[0], kv[1])
			}
			tw.Flush()
			fmt.Fprintln(w, "Files:")
			tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			for _, f := range files {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", f.Path, humanBytes(f.Size), f.Digest, f.BlobPath)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newRmCmd(pf *pachaFlags) *cobra.Command {
	var prune bool
	cmd := &cobra.Command{
		Use:   "rm REF...",
		Short: "Remove references (their blobs go at the next gc, or now with --gc)",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr(fmt.Errorf("%s wants at least one REF", c.CommandPath()))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			s, err := pf.open()
			if err != nil {
				return err
			}
			for _, a := range args {
				ref, err := parseRef(a)
				if err != nil {
					return err
				}
				if err := s.Remove(c.Context(), ref); err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "removed %s\n", ref)
			}
			if prune {
				rep, err := s.GC(c.Context())
				if err != nil {
					return err
				}
				fmt.Fprintf(c.OutOrStdout(), "freed %s (%d blobs)\n", humanBytes(rep.Bytes), rep.Blobs)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&prune, "gc", false, "collect unreferenced blobs afterwards")
	return cmd
}

func newTagCmd(pf *pachaFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "tag SOURCE_REF TARGET_REF",
		Short: "Give a model another name:tag",
		Args:  exactArgs(2, "SOURCE_REF and TARGET_REF"),
		RunE: func(c *cobra.Command, args []string) error {
			src, err := parseRef(args[0])
			if err != nil {
				return err
			}
			dst, err := parseRef(args[1])
			if err != nil {
				return err
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			if err := s.Tag(c.Context(), src, dst); err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "tagged %s as %s\n", src, dst)
			return nil
		},
	}
}

func newGCCmd(pf *pachaFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "gc",
		Short: "Delete blobs no reference reaches and leftovers of interrupted writes",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			s, err := pf.open()
			if err != nil {
				return err
			}
			rep, err := s.GC(c.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), rep)
			}
			fmt.Fprintf(c.OutOrStdout(), "removed %d blobs (%s), %d signatures of removed models, %d temporary files, %d stale partial downloads; %d blobs in use\n",
				rep.Blobs, humanBytes(rep.Bytes), rep.Signatures, rep.TempFiles, rep.Partials, rep.Kept)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newCheckCmd(pf *pachaFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Re-hash every blob and check every reference (exit 4 on problems)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(c *cobra.Command, _ []string) error {
			s, err := pf.open()
			if err != nil {
				return err
			}
			rep, err := s.Check(c.Context())
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(c.OutOrStdout(), map[string]any{"ok": rep.OK(), "blobs": rep.Blobs, "bytes": rep.Bytes, "refs": rep.Refs, "problems": rep.Problems}); err != nil {
					return err
				}
			} else {
				for _, p := range rep.Problems {
					fmt.Fprintln(c.OutOrStdout(), p)
				}
				fmt.Fprintf(c.OutOrStdout(), "checked %d blobs (%s) and %d references: %d problems\n", rep.Blobs, humanBytes(rep.Bytes), rep.Refs, len(rep.Problems))
			}
			if !rep.OK() {
				return &exitError{code: exitProblems, err: fmt.Errorf("store %s has %d problems", s.Root(), len(rep.Problems))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newLineageCmd(pf *pachaFlags) *cobra.Command {
	var format string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "lineage REF",
		Short: "Print where a model came from and what was derived from it",
		Long: `Print the lineage graph of a model: every recorded derivation (import, pull,
tag, convert, quantize, encrypt, …) leading to it and from it.
--format text (default), json, or dot (Graphviz: batuta pacha lineage m --format dot | dot -Tsvg).`,
		Args: exactArgs(1, "one REF (name[:tag]) or manifest digest"),
		RunE: func(c *cobra.Command, args []string) error {
			if asJSON {
				format = "json"
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			node := args[0]
			if d, err := store.ParseDigest(node); err == nil && strings.HasPrefix(node, "blake3:") {
				node = string(d)
			} else {
				ref, err := parseRef(args[0])
				if err != nil {
					return err
				}
				d, err := s.Resolve(ref)
				if err != nil {
					return err
				}
				node = string(d)
			}
			g, err := s.Lineage().Graph(node, s.Labels())
			if err != nil {
				return err
			}
			switch format {
			case "text", "":
				return g.WriteText(c.OutOrStdout())
			case "json":
				return g.WriteJSON(c.OutOrStdout())
			case "dot":
				return g.WriteDOT(c.OutOrStdout())
			}
			return usageErr(fmt.Errorf("--format %q: want text, json or dot", format))
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, json or dot")
	cmd.Flags().BoolVar(&asJSON, "json", false, "same as --format json")
	return cmd
}

func newAliasCmd(pf *pachaFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "alias [NAME SOURCE | --rm NAME]",
		Short: "List, add or remove short names for pull",
		Long: `With no arguments, list the short names "pull" understands (built-in and yours).
With NAME SOURCE, add or replace one of yours; with --rm NAME, remove it.
Yours are kept in aliases.json in the store directory.`,
		Example: `  batuta pacha alias
  batuta pacha alias tiny hf://ggml-org/models-moved/tinyllamas/stories260K.gguf
  batuta pacha alias --rm tiny`,
		RunE: func(c *cobra.Command, args []string) error {
			s, err := pf.open()
			if err != nil {
				return err
			}
			al, err := pf.aliases(s)
			if err != nil {
				return err
			}
			rm, _ := c.Flags().GetString("rm")
			switch {
			case rm != "" && len(args) == 0:
				return al.Remove(rm)
			case rm == "" && len(args) == 2:
				return al.Set(args[0], args[1])
			case rm == "" && len(args) == 0:
			default:
				return usageErr(fmt.Errorf("%s wants no arguments, NAME SOURCE, or --rm NAME", c.CommandPath()))
			}
			if asJSON {
				return writeJSON(c.OutOrStdout(), al.All())
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSOURCE\t")
			for _, e := range al.All() {
				mark := ""
				if e.User {
					mark = "(yours)"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Name, e.Source, mark)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().String("rm", "", "remove your alias NAME")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newExportCmd(pf *pachaFlags) *cobra.Command {
	var link bool
	cmd := &cobra.Command{
		Use:   "export REF DIR",
		Short: "Write a model's files into a folder (to sign, inspect or load them elsewhere)",
		Long: `Write the files of a stored model under DIR by their paths in the manifest,
checking each copy's BLAKE3 digest. Existing files are never overwritten.
--link hard-links them to the store's read-only blobs instead of copying.`,
		Args: exactArgs(2, "REF and DIR"),
		RunE: func(c *cobra.Command, args []string) error {
			ref, err := parseRef(args[0])
			if err != nil {
				return err
			}
			s, err := pf.open()
			if err != nil {
				return err
			}
			paths, err := s.Export(c.Context(), ref, args[1], &store.ExportOptions{Link: link})
			for _, p := range paths {
				fmt.Fprintln(c.OutOrStdout(), p)
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&link, "link", false, "hard-link instead of copying")
	return cmd
}
