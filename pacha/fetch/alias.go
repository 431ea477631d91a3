package fetch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// BuiltinAliases are the short names every installation knows. Users add
// or override names in the alias file (see Aliases).
var BuiltinAliases = map[string]string{
	"llama3-8b-q4":    "hf://QuantFactory/Meta-Llama-3-8B-Instruct-GGUF/Meta-Llama-3-8B-Instruct.Q4_K_M.gguf",
	"llama3-8b-q8":    "hf://QuantFactory/Meta-Llama-3-8B-Instruct-GGUF/Meta-Llama-3-8B-Instruct.Q8_0.gguf",
	"tinyllama-q4":    "hf://TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf",
	"stories260k":     "hf://ggml-org/models-moved/tinyllamas/stories260K.gguf",
	"qwen2.5-0.5b-q8": "hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q8_0.gguf",
}

// Aliases is the alias table: the built-in names overlaid with the user's
// file, a JSON object {"name": "source", …}.
type Aliases struct {
	path  string
	user  map[string]string
	table map[string]string
}

// LoadAliases reads the user's alias file at path (absent is fine).
func LoadAliases(path string) (*Aliases, error) {
	a := &Aliases{path: path, user: map[string]string{}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("pacha/fetch: aliases: %w", err)
	default:
		if err := json.Unmarshal(data, &a.user); err != nil {
			return nil, fmt.Errorf("pacha/fetch: aliases %s: %w", path, err)
		}
	}
	a.rebuild()
	return a, nil
}

func (a *Aliases) rebuild() {
	a.table = maps.Clone(BuiltinAliases)
	maps.Copy(a.table, a.user)
}

// Lookup returns the source a short name stands for.
func (a *Aliases) Lookup(name string) (string, bool) {
	if a == nil {
		s, ok := BuiltinAliases[name]
		return s, ok
	}
	s, ok := a.table[name]
	return s, ok
}

// All returns the table, sorted by name, with whether each entry is the
// user's.
func (a *Aliases) All() []AliasEntry {
	var out []AliasEntry
	for _, k := range slices.Sorted(maps.Keys(a.table)) {
		_, user := a.user[k]
		out = append(out, AliasEntry{Name: k, Source: a.table[k], User: user})
	}
	return out
}

// AliasEntry is one row of the alias table.
type AliasEntry struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	User   bool   `json:"user"`
}

// Set adds or replaces a user alias and saves the file.
func (a *Aliases) Set(name, source string) error {
	if name == "" || strings.ContainsAny(name, ":/ ") {
		return fmt.Errorf("pacha/fetch: alias %q: want a short name without ':', '/' or spaces", name)
	}
	if _, err := ParseSource(source); err != nil {
		return err
	}
	a.user[name] = source
	a.rebuild()
	return a.save()
}

// Remove deletes a user alias and saves the file.
func (a *Aliases) Remove(name string) error {
	if _, ok := a.user[name]; !ok {
		return fmt.Errorf("pacha/fetch: %q is not a user alias", name)
	}
	delete(a.user, name)
	a.rebuild()
	return a.save()
}

func (a *Aliases) save() error {
	data, err := json.MarshalIndent(a.user, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(a.path), 0o755); err != nil {
		return err
	}
	tmp := a.path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, a.path)
}
