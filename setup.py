"""Ships the top-level themes/ folder inside the package, so a wheel install finds it too."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithThemes(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "xtdpublish" / "themes"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(Path(__file__).parent / "themes", target)


setup(cmdclass={"build_py": BuildWithThemes})
