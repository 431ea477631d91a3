#!/usr/bin/env python3
"""Writes expected.json: every template of templates.json rendered over every
conversation below with the reference Jinja2 engine, set up as Hugging Face
transformers sets it up for chat templates (sandboxed environment,
trim_blocks, lstrip_blocks, loop controls, raise_exception raising an error).

    python3 render_reference.py > expected.json

The Go tests compare realizar/chat's output with these strings; a template
that raises records the exception message instead.
"""
import json
import os
import sys

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))

CONVERSATIONS = {
    "system-multi-turn": [
        {"role": "system", "content": "You are a helpful assistant"},
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there"},
        {"role": "user", "content": "Who are you"},
        {"role": "assistant", "content": "   I am an assistant   "},
        {"role": "user", "content": "Another question"},
    ],
    "multi-turn": [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there"},
        {"role": "user", "content": "Who are you"},
        {"role": "assistant", "content": "   I am an assistant   "},
        {"role": "user", "content": "Another question"},
    ],
    "single": [
        {"role": "user", "content": "Write a haiku about Go, with \"quotes\" and ünïcödé 🦙."},
    ],
    "not-alternating": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
    ],
}

# Llama 3.2's template prints today's date; the tests fix it.
EXTRA = {"date_string": "26 Nov 2026"}


class TemplateRaised(Exception):
    pass


def raise_exception(message):
    raise TemplateRaised(message)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=["jinja2.ext.loopcontrols"])
    env.globals["raise_exception"] = raise_exception
    with open(os.path.join(HERE, "templates.json")) as f:
        manifest = json.load(f)
    cases = []
    for t in manifest["templates"]:
        with open(os.path.join(HERE, "templates", t["name"] + ".jinja")) as f:
            tmpl = env.from_string(f.read())
        for conv_name, conv in CONVERSATIONS.items():
            for agp in (True, False):
                case = {"template": t["name"], "conversation": conv_name,
                        "add_generation_prompt": agp}
                try:
                    case["output"] = tmpl.render(messages=conv, add_generation_prompt=agp,
                                                 bos_token=t["bos_token"], eos_token=t["eos_token"],
                                                 **EXTRA)
                except TemplateRaised as e:
                    case["error"] = str(e)
                cases.append(case)
    json.dump({"produced_by": "Python Jinja2 %s, render_reference.py" % jinja2.__version__,
               "extra": EXTRA, "conversations": CONVERSATIONS, "cases": cases},
              sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
