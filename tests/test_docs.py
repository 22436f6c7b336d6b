"""README.md, docs/ and configs/README.md point only at what exists.

Checked: every relative link (and its ``#anchor``), every repository path
named in inline code, every ``tools/...`` script shown (it exists and its
``--help`` exits 0) and every config path shown (``Config.fromfile``).
The checks are plain functions over a page's text, so the last tests can
show that each one reports a planted fault.
"""
import glob
import itertools
import json
import os
import os.path as osp
import re
import subprocess
import sys

import pytest
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PAGES = sorted(['README.md', 'configs/README.md'] +
               [osp.relpath(p, ROOT) for p in glob.glob(
                   osp.join(ROOT, 'docs', '*.md'))])
#: A token in inline code naming one of these is a repository path.
REPO_PREFIXES = ('aclnet_mm/', 'configs/', 'tools/', 'tests/', 'docs/',
                 'requirements/', '.ci/')
REPO_FILES = ('setup.cfg', 'setup.py', 'README.md')

_LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')
_FENCE = re.compile(r'^```[^\n]*\n(.*?)^```', re.S | re.M)
_INLINE = re.compile(r'`([^`\n]+)`')
_PATH = re.compile(r'(?<![\w./-])((?:\.ci/|aclnet_mm/|configs/|tools/|tests/|'
                   r'docs/|requirements/)(?:\{[^}\s]*\}|[^\s`\'"),;{])*)')


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r'[`*_]', '', heading.strip().lower())
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


def anchors(page_text: str) -> set:
    body = _FENCE.sub('', page_text)
    return {slug(m.group(1)) for m in re.finditer(r'^#+ (.+)$', body, re.M)}


def expand(pattern: str) -> list:
    """Brace alternatives, ``<placeholder>`` / ``[optional]`` / ``...``
    turned into globs; returns the patterns to look up."""
    pattern = pattern.rstrip('.:')
    parts = re.split(r'\{([^{}]*)\}', pattern)
    choices = [[p] if i % 2 == 0 else p.split(',')
               for i, p in enumerate(parts)]
    out = []
    for combo in itertools.product(*choices):
        p = ''.join(combo)
        p = re.sub(r'<[^>]*>', '*', p)
        p = re.sub(r'\[[^\]]*\]', '*', p)
        out.append(p.replace('...', '*'))
    return out


def matches(pattern: str, root: str = ROOT) -> list:
    if any(c in pattern for c in '*?'):
        return sorted(glob.glob(osp.join(root, pattern)))
    path = osp.join(root, pattern)
    return [path] if osp.exists(path) else []


def link_problems(page: str, text: str, root: str = ROOT) -> list:
    """Relative links whose file or ``#anchor`` does not exist."""
    found = []
    for target in _LINK.findall(_FENCE.sub('', text)):
        if re.match(r'[a-z]+:', target):
            continue  # http(s), mailto
        path, _, anchor = target.partition('#')
        dest = osp.normpath(osp.join(osp.dirname(page), path)) if path \
            else page
        full = osp.join(root, dest)
        if not osp.exists(full):
            found.append(f'{page}: link to {target}: {dest} does not exist')
        elif anchor and dest.endswith('.md'):
            with open(full, encoding='utf-8') as f:
                if anchor not in anchors(f.read()):
                    found.append(f'{page}: link to {target}: no heading '
                                 f'#{anchor} in {dest}')
    return found


def named_paths(text: str) -> set:
    """Repository paths in inline code and code blocks."""
    spans = _INLINE.findall(_FENCE.sub('', text)) + _FENCE.findall(text)
    found = set()
    for span in spans:
        for token in _PATH.findall(span):
            found.add(token.rstrip('.:'))
        found.update(t for t in span.split() if t in REPO_FILES)
    return found


def path_problems(page: str, text: str, root: str = ROOT) -> list:
    return [f'{page}: names {p}, which is not in the repository'
            for p in sorted(named_paths(text))
            if not all(matches(e, root) for e in expand(p))]


def shown_scripts(text: str, root: str = ROOT) -> set:
    """``tools/`` scripts (``.py``/``.sh``) named anywhere on a page."""
    scripts = set()
    for p in named_paths(text):
        if p.startswith('tools/') and p.endswith(('.py', '.sh')):
            for pattern in expand(p):
                scripts.update(osp.relpath(m, root)
                               for m in matches(pattern, root))
    return scripts


def shown_configs(text: str, root: str = ROOT) -> set:
    configs = set()
    for p in named_paths(text):
        if p.startswith('configs/') and p.endswith('.py'):
            for pattern in expand(p):
                configs.update(osp.relpath(m, root)
                               for m in matches(pattern, root)
                               if '_base_' not in m)
    return configs


_HELP_DRIVER = r'''
import json, os, runpy, sys
results = {}
for script in sys.argv[1:]:
    sys.argv = [script, '--help']
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))  # as python
    try:
        runpy.run_path(script, run_name='__main__')
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (
            0 if exc.code is None else 1)
    except BaseException as exc:  # noqa: B902
        code = f'{type(exc).__name__}: {exc}'
    results[script] = code
sys.stdout.write('\n@@' + json.dumps(results))
'''


def help_exit_codes(scripts, root: str = ROOT) -> dict:
    """``--help`` of each script: ``.py`` in one interpreter (imports once),
    ``.sh`` through bash."""
    codes = {}
    py = sorted(s for s in scripts if s.endswith('.py'))
    if py:
        proc = subprocess.run([sys.executable, '-c', _HELP_DRIVER, *py],
                              cwd=root, capture_output=True, text=True,
                              timeout=600)
        assert '@@' in proc.stdout, proc.stderr[-2000:]
        codes.update(json.loads(proc.stdout.rsplit('@@', 1)[1]))
    for script in sorted(s for s in scripts if s.endswith('.sh')):
        proc = subprocess.run(['bash', script, '--help'], cwd=root,
                              capture_output=True, text=True, timeout=120)
        codes[script] = proc.returncode
    return codes


def _read(page):
    with open(osp.join(ROOT, page), encoding='utf-8') as f:
        return f.read()


def _all(fn):
    return {item for page in PAGES for item in fn(_read(page))}


def test_pages_exist_and_readme_is_short():
    want = {'installation', 'data', 'training', 'add_acl', 'inference',
            'gait_reid', 'what_aclnet_learned', 'reliability', 'benchmarks',
            'differences', 'developers', 'pretrained'}
    have = {osp.splitext(osp.basename(p))[0] for p in PAGES
            if p.startswith('docs/')}
    assert want <= have, want - have
    assert len(_read('README.md').splitlines()) <= 200


@pytest.mark.parametrize('page', PAGES)
def test_links_and_paths_exist(page):
    text = _read(page)
    assert link_problems(page, text) + path_problems(page, text) == []


@pytest.mark.parametrize('page', PAGES)
def test_no_machine_specific_path(page):
    text = _read(page)
    assert not re.search(r'(/work/|/root/|/home/\w|/tmp/\w)', text), page


def test_every_script_shown_answers_help():
    scripts = _all(shown_scripts)
    assert len(scripts) >= 15  # the pages do show the tools
    codes = help_exit_codes(scripts)
    assert {s: c for s, c in codes.items() if c != 0} == {}


def test_every_config_shown_builds():
    configs = _all(shown_configs)
    assert len(configs) >= 20
    broken = {}
    for path in sorted(configs):
        try:
            Config.fromfile(osp.join(ROOT, path))
        except Exception as exc:  # noqa: B902  report every one
            broken[path] = f'{type(exc).__name__}: {exc}'
    assert broken == {}


# ---- the checks can fail -------------------------------------------------


def _fake_repo(tmp_path):
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'tools').mkdir()
    (tmp_path / 'configs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('# Title\n\n## Real heading\n')
    (tmp_path / 'tools' / 'ok.sh').write_text('exit 0\n')
    (tmp_path / 'tools' / 'bad.sh').write_text('exit 3\n')
    (tmp_path / 'tools' / 'bad.py').write_text('raise SystemExit(2)\n')
    (tmp_path / 'configs' / 'good.py').write_text('a = 1\n')
    (tmp_path / 'configs' / 'broken.py').write_text('a = (\n')
    return tmp_path


def test_checks_report_planted_faults(tmp_path):
    root = str(_fake_repo(tmp_path))
    page = '\n'.join([
        '[ok](docs/a.md#real-heading) [gone](docs/missing.md)',
        '[bad anchor](docs/a.md#no-such-heading) ![fig](docs/nofig.png)',
        '[web](https://example.org/x) [self](#top)',
        'Run `tools/ok.sh` and `tools/bad.sh`, see `aclnet_mm/nothing.py`,',
        '`configs/{good,absent}.py` and `configs/broken.py`.',
        '```bash', 'python tools/bad.py --x', '```',
    ])
    links = link_problems('README.md', page, root)
    assert any('docs/missing.md does not exist' in p for p in links)
    assert any('no heading #no-such-heading' in p for p in links)
    assert any('nofig.png' in p for p in links)
    assert any('#top' in p for p in links)  # README.md has no "top"
    assert not any('example.org' in p or 'real-heading' in p for p in links)
    paths = path_problems('README.md', page, root)
    assert any('aclnet_mm/nothing.py' in p for p in paths)
    assert any('configs/{good,absent}.py' in p for p in paths)
    assert not any('tools/ok.sh' in p for p in paths)
    scripts = shown_scripts(page, root)
    assert scripts == {'tools/ok.sh', 'tools/bad.sh', 'tools/bad.py'}
    codes = help_exit_codes(scripts, root)
    assert codes == {'tools/ok.sh': 0, 'tools/bad.sh': 3, 'tools/bad.py': 2}
    assert shown_configs(page, root) == {'configs/good.py',
                                         'configs/broken.py'}
    with pytest.raises(Exception):
        Config.fromfile(osp.join(root, 'configs', 'broken.py'))


def test_slug_follows_github():
    assert slug('Gait recognition (CASIA-B)') == 'gait-recognition-casia-b'
    assert slug('Mixed precision (AMP)') == 'mixed-precision-amp'
    assert slug("MMAction2's own `tools`") == 'mmaction2s-own-tools'
