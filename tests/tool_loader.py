"""Load a script under ``tools/`` as a module, in-process (no subprocess)."""
import importlib.util
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_tool(path):
    """Import ``path`` (absolute, or relative to the repository) afresh.

    Returns:
        module: The script's module; call its ``main(argv)``.
    """
    path = osp.join(REPO, str(path))
    name = 'tool_' + osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
