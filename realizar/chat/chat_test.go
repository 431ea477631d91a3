package chat

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ardanlabs/jinja"
)

type manifest struct {
	Templates []struct {
		Name     string `json:"name"`
		Source   string `json:"source"`
		BOSToken string `json:"bos_token"`
		EOSToken string `json:"eos_token"`
	} `json:"templates"`
}

type expected struct {
	Extra         map[string]any                 `json:"extra"`
	Conversations map[string][]map[string]string `json:"conversations"`
	Cases         []struct {
		Template            string  `json:"template"`
		Conversation        string  `json:"conversation"`
		AddGenerationPrompt bool    `json:"add_generation_prompt"`
		Output              *string `json:"output"`
		Error               *string `json:"error"`
	} `json:"cases"`
}

func loadJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestRealTemplates renders every template of testdata/templates.json over
// every conversation and compares with Python Jinja2's output
// (testdata/render_reference.py), including the templates' own
// raise_exception messages.
func TestRealTemplates(t *testing.T) {
	var m manifest
	var want expected
	loadJSON(t, "templates.json", &m)
	loadJSON(t, "expected.json", &want)
	if len(m.Templates) == 0 || len(want.Cases) == 0 {
		t.Fatal("no templates or no cases in testdata")
	}
	tmpls := map[string]*Template{}
	opts := map[string]Options{}
	for _, e := range m.Templates {
		src, err := os.ReadFile(filepath.Join("testdata", "templates", e.Name+".jinja"))
		if err != nil {
			t.Fatal(err)
		}
		tm, err := Parse(string(src))
		if err != nil {
			t.Fatalf("%s (%s): %v", e.Name, e.Source, err)
		}
		tmpls[e.Name] = tm
		opts[e.Name] = Options{BOSToken: e.BOSToken, EOSToken: e.EOSToken, Vars: want.Extra}
	}
	seen := map[string]bool{}
	for _, c := range want.Cases {
		tm := tmpls[c.Template]
		if tm == nil {
			t.Fatalf("expected.json names template %q, absent from templates.json", c.Template)
		}
		seen[c.Template] = true
		var msgs []Message
		for _, mm := range want.Conversations[c.Conversation] {
			msgs = append(msgs, Message{Role: mm["role"], Content: mm["content"]})
		}
		o := opts[c.Template]
		o.AddGenerationPrompt = c.AddGenerationPrompt
		got, err := tm.Render(msgs, o)
		name := c.Template + "/" + c.Conversation
		if c.AddGenerationPrompt {
			name += "/gen"
		}
		switch {
		case c.Error != nil:
			var raised *RaisedError
			if !errors.As(err, &raised) {
				t.Errorf("%s: want raise_exception(%q), got %q, %v", name, *c.Error, got, err)
			} else if raised.Message != *c.Error {
				t.Errorf("%s: raised %q, want %q", name, raised.Message, *c.Error)
			}
		case err != nil:
			t.Errorf("%s: %v", name, err)
		case got != *c.Output:
			t.Errorf("%s:\n got %q\nwant %q", name, got, *c.Output)
		}
	}
	for name := range tmpls {
		if !seen[name] {
			t.Errorf("template %s has no expected output", name)
		}
	}
}

func TestNoTemplate(t *testing.T) {
	for _, src := range []string{"", "  \n\t"} {
		if _, err := Parse(src); !errors.Is(err, ErrNoTemplate) {
			t.Errorf("Parse(%q) = %v, want ErrNoTemplate", src, err)
		}
		if _, err := Render(src, []Message{{Role: "user", Content: "hi"}}, Options{}); !errors.Is(err, ErrNoTemplate) {
			t.Errorf("Render(%q) = %v, want ErrNoTemplate", src, err)
		}
	}
}

func TestBadTemplate(t *testing.T) {
	_, err := Parse("{% for m in messages %}{{ m.content }}")
	if err == nil || errors.Is(err, ErrNoTemplate) || !strings.Contains(err.Error(), "cannot parse") {
		t.Fatalf("unclosed for: got %v", err)
	}
	tm, err := Parse("{{ messages[0].content | no_such_filter }}")
	if err == nil {
		_, err = tm.Render([]Message{{Role: "user", Content: "x"}}, Options{})
	}
	if err == nil {
		t.Fatal("unknown filter rendered without error")
	}
	var raised *RaisedError
	if errors.As(err, &raised) {
		t.Fatalf("engine error reported as raise_exception: %v", err)
	}
}

func TestRaiseExceptionMessage(t *testing.T) {
	_, err := Render("{{ raise_exception('only ' + messages[0].role + ' here') }}", []Message{{Role: "user"}}, Options{})
	var raised *RaisedError
	if !errors.As(err, &raised) || raised.Message != "only user here" {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "only user here") {
		t.Fatalf("message lost in %q", err)
	}
}

func TestVarsCannotShadow(t *testing.T) {
	out, err := Render("{{ bos_token }}|{{ add_generation_prompt }}|{{ messages|length }}|{{ extra }}",
		[]Message{{Role: "user", Content: "a"}},
		Options{BOSToken: "<s>", AddGenerationPrompt: true, Vars: map[string]any{"bos_token": "X", "messages": nil, "extra": jinja.NewInt(7)}})
	if err != nil {
		t.Fatal(err)
	}
	if out != "<s>|True|1|7" {
		t.Fatalf("got %q", out)
	}
}

func TestVarsValues(t *testing.T) {
	out, err := Render("{{ tools|tojson }}|{{ n + 1 }}|{{ flag }}|{{ none is none }}", nil, Options{Vars: map[string]any{
		"tools": []any{map[string]any{"name": "get_weather", "args": []any{"city"}}},
		"n":     int64(41), "flag": true, "none": nil,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"args": ["city"], "name": "get_weather"}]|42|True|True`; out != want {
		t.Fatalf("got %q, want %q", out, want)
	}
}

func TestConcurrentRender(t *testing.T) {
	tm, err := Parse("{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := strings.Repeat("x", i)
			for range 50 {
				out, err := tm.Render([]Message{{Role: "user", Content: c}}, Options{})
				if err != nil || out != "<user>"+c {
					t.Errorf("got %q, %v", out, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestMessageItemsOrder(t *testing.T) {
	out, err := Render("{% for m in messages %}{% for k, v in m.items() %}{{ k }}={{ v }};{% endfor %}{% endfor %}",
		[]Message{{Role: "user", Content: "a"}, {Role: "assistant", Content: "b"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "role=user;content=a;role=assistant;content=b;" {
		t.Fatalf("got %q", out)
	}
}

// TestHostileTemplates: what would crash or hang the program ends as an
// error.
func TestHostileTemplates(t *testing.T) {
	msgs := []Message{{Role: "user", Content: "x"}}
	for name, src := range map[string]string{
		"self-recursive macro":  "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
		"mutual recursion":      "{%- macro a() -%}{{ b() }}{%- endmacro -%}{%- macro b() -%}{{ a() }}{%- endmacro -%}{{ a() }}",
		"huge range":            "{% for i in range(1000000000) %}{% endfor %}",
		"huge range with start": "{% for i in range(-5, 999999999, 3) %}{% endfor %}",
		"zero step":             "{% for i in range(0, 5, 0) %}{% endfor %}",
	} {
		_, err := Render(src, msgs, Options{})
		if err == nil {
			t.Errorf("%s: rendered", name)
		}
	}
	// Bounded recursion still works, and range keeps Jinja's semantics.
	out, err := Render("{% macro down(n) %}{{ n }}{% if n > 0 %},{{ down(n - 1) }}{% endif %}{% endmacro %}{{ down(5) }}|{{ range(3)|join(',') }}|{{ range(1, 10, 4)|list }}|{{ range(5, 0, -2)|list }}|{{ range(0)|length }}", msgs, Options{})
	if err != nil || out != "5,4,3,2,1,0|0,1,2|[1, 5, 9]|[5, 3, 1]|0" {
		t.Fatalf("got %q, %v", out, err)
	}
	// A template may itself use the guard's words in text.
	if _, err := Render("{% raw %}{% macro x() %}{% endraw %}", msgs, Options{}); err != nil {
		t.Fatalf("raw block: %v", err)
	}
}
