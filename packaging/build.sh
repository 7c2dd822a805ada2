#!/usr/bin/env bash
# Builds the StreamCanvas installers with jpackage: a lean jlink runtime (JDK modules found by jdeps + the JavaFX
# modules, natives included), the app jars on the class path, the default model as app content, then an app-image
# and the installer of this OS. jpackage cannot cross-build: run this on each OS (Windows: Git Bash + WiX 3).
#
#   packaging/build.sh [--type TYPE] [--cuda] [--skip-maven] [--no-training] [--dest DIR]
#
#   --type TYPE     app-image | deb | rpm | msi | exe | dmg | pkg   (default: deb on Linux, msi on Windows, dmg on macOS)
#   --cuda          CUDA variant: builds with -Pcuda (ONNX Runtime GPU; needs the user's CUDA 12 + cuDNN 9);
#                   with --skip-maven the variant follows the ONNX Runtime jar found in app/target/lib
#   --skip-maven    use the existing app/target build (as `mvn -Ppackage` and .ci/package-test do)
#   --no-training   leave out the PyTorch native library (~200 MB); the training tab then reports it missing
#   --dest DIR      where the app-image and installer go (default packaging/target/<variant>/out)
#
# Needs a JDK 17 with jmods (jlink, jdeps, jpackage) on the PATH or in JAVA_HOME; a .deb needs fakeroot + dpkg-deb,
# an .rpm rpmbuild, an .msi/.exe WiX 3 (candle/light) on the PATH, a .dmg macOS's hdiutil.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$repo/packaging"

type="" variant="" skip_maven=0 training=1 dest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --type) type="$2"; shift 2 ;;
    --type=*) type="${1#--type=}"; shift ;;
    --cuda) variant="cuda"; shift ;;
    --skip-maven) skip_maven=1; shift ;;
    --no-training) training=0; shift ;;
    --dest) dest="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

case "$(uname -s)" in
  Linux) os=linux; default_type=deb; name=streamcanvas; icon="$pkg/icons/streamcanvas.png" ;;
  Darwin) os=macos; default_type=dmg; name=StreamCanvas; icon="$pkg/icons/streamcanvas.icns" ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; default_type=msi; name=StreamCanvas; icon="$pkg/icons/streamcanvas.ico" ;;
  *) echo "build.sh: unsupported OS '$(uname -s)'" >&2; exit 2 ;;
esac
type="${type:-$default_type}"

# --- JDK tools --------------------------------------------------------------------------------------------------
jdk_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/$1" ]; then echo "$JAVA_HOME/bin/$1"; return; fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/$1.exe" ]; then echo "$JAVA_HOME/bin/$1.exe"; return; fi
  command -v "$1" || { echo "build.sh: '$1' not found: install a full JDK 17 (with jmods) or set JAVA_HOME" >&2; exit 3; }
}
JLINK="$(jdk_bin jlink)"; JDEPS="$(jdk_bin jdeps)"; JPACKAGE="$(jdk_bin jpackage)"; JMOD="$(jdk_bin jmod)"
jdk_home="$(cd "$(dirname "$(readlink -f "$JLINK" 2>/dev/null || echo "$JLINK")")/.." && pwd)"
[ -d "$jdk_home/jmods" ] || { echo "build.sh: $jdk_home has no jmods/ (Debian: apt-get install openjdk-17-jdk)" >&2; exit 3; }
jdk_version="$("$jdk_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
[ "$jdk_version" = 17 ] || echo "build.sh: warning: runtime image from JDK $jdk_version, the project targets 17" >&2

# --- Maven build --------------------------------------------------------------------------------------------------
t_start=$(date +%s)
if [ "$skip_maven" = 0 ]; then
  variant="${variant:-cpu}"
  profile=""; [ "$variant" = cuda ] && profile="-Pcuda"
  rm -rf "$repo/app/target/lib"                   # copy-dependencies adds, never removes: no stale ORT build
  echo "build.sh: mvn -B -q -DskipTests $profile install"
  (cd "$repo" && mvn -B -q -DskipTests $profile install)
fi
version_full="$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$repo/app/pom.xml" | head -1)"
app_version="${version_full%%-*}"                    # 0.1.0-SNAPSHOT -> 0.1.0 (installers need numbers)
app_jar="$repo/app/target/app-$version_full.jar"
lib="$repo/app/target/lib"
[ -f "$app_jar" ] && [ -d "$lib" ] || { echo "build.sh: $app_jar or $lib missing: run without --skip-maven" >&2; exit 4; }

# The two variants must not be mixed: the class path holds exactly one ONNX Runtime build.
has_gpu=0; ls "$lib"/onnxruntime_gpu-*.jar >/dev/null 2>&1 && has_gpu=1
if [ "$has_gpu" = 1 ] && ls "$lib"/onnxruntime-[0-9]*.jar >/dev/null 2>&1; then
  echo "build.sh: app/target/lib holds both the CPU and the GPU ONNX Runtime (a stale -Pcuda build?): run mvn clean" >&2; exit 4
fi
if [ -z "$variant" ]; then variant=cpu; [ "$has_gpu" = 1 ] && variant=cuda; fi
if [ "$variant" = cuda ] && [ "$has_gpu" = 0 ]; then echo "build.sh: --cuda but app/target/lib has no onnxruntime_gpu jar (build with -Pcuda)" >&2; exit 4; fi
if [ "$variant" = cpu ] && [ "$has_gpu" = 1 ]; then echo "build.sh: app/target/lib has onnxruntime_gpu: pass --cuda or rebuild without -Pcuda" >&2; exit 4; fi

work="$pkg/target/$variant"
dest="${dest:-$work/out}"
rm -rf "$work/input" "$work/content" "$work/runtime" "$work/jmods" "$work/fx" "$work/classes" "$work/resources" "$dest"
mkdir -p "$work/input/lib" "$work/content/conf" "$work/jmods" "$work/fx" "$work/classes" "$work/resources" "$dest"

# --- Input: the app jar + its class path, minus JavaFX (it goes into the runtime image as modules) ----------------
cp "$app_jar" "$work/input/"
for j in "$lib"/*.jar; do
  b="$(basename "$j")"
  case "$b" in
    javafx-*) continue ;;
    pytorch-native-*) [ "$training" = 1 ] || continue ;;
  esac
  cp "$j" "$work/input/lib/"
done

# ONNX Runtime jars carry the natives of every OS (the CPU jar also macOS debug symbols, the GPU jar the Windows CUDA
# provider): keep only this platform's folder (CPU jar 75 -> ~10 MB, GPU jar 445 -> ~150 MB compressed).
case "$os-$(uname -m)" in
  linux-x86_64) ort_platform=linux-x64 ;; linux-aarch64) ort_platform=linux-aarch64 ;;
  macos-arm64) ort_platform=osx-aarch64 ;; macos-x86_64) ort_platform=osx-x64 ;;
  *) ort_platform=win-x64 ;;
esac
for j in "$work/input/lib"/onnxruntime-[0-9]*.jar "$work/input/lib"/onnxruntime_gpu-[0-9]*.jar; do
  [ -f "$j" ] || continue
  d="$work/ort"; rm -rf "$d"; mkdir -p "$d/tree"
  (cd "$d/tree" && "$jdk_home/bin/jar" xf "$j")
  [ -d "$d/tree/ai/onnxruntime/native/$ort_platform" ] || { echo "build.sh: $(basename "$j") has no natives for $ort_platform" >&2; exit 4; }
  find "$d/tree/ai/onnxruntime/native" -mindepth 1 -maxdepth 1 -type d ! -name "$ort_platform" -exec rm -rf {} +
  mv "$d/tree/META-INF/MANIFEST.MF" "$d/MANIFEST.MF"
  rm "$j"; "$jdk_home/bin/jar" --create --file "$j" --manifest "$d/MANIFEST.MF" -C "$d/tree" .
  rm -rf "$d"
done

# --- Content: the default model(s) and the installed logging configuration. They travel in --input (copied as is
#     to $APPDIR; only *.jar files there join the class path) because JDK 17's jpackage has no --app-content. -----
mkdir -p "$work/content/models"
if [ -d "$repo/models" ]; then
  # model folders and cards; not the training data (models/data/), the resumable training runs (models/runs/)
  # nor the scripts that make them
  (cd "$repo/models" && find . \( -path ./data -o -path ./runs \) -prune -o -type f ! -name '*.sh' ! -name '.gitignore' -print) | while read -r f; do
    mkdir -p "$work/content/models/$(dirname "$f")"; cp "$repo/models/$f" "$work/content/models/$f"
  done
fi
[ -n "$(ls -A "$work/content/models")" ] || echo "build.sh: note: models/ is empty: the installed app ships no default model" >&2
cp "$pkg/$os/logback.xml" "$work/content/conf/logback.xml"
cp -R "$work/content/models" "$work/content/conf" "$work/input/"

# --- JavaFX modules: jmods built from the Maven jars of this OS, natives as native libraries ----------------------
fx_modules=""
for j in "$lib"/javafx-*-*-*.jar; do                      # the platform jars (javafx-base-21.0.11-linux.jar)
  [ -f "$j" ] || continue
  b="$(basename "$j" .jar)"                               # javafx-graphics-21.0.11-linux
  m="$(echo "$b" | sed 's/^javafx-\([a-z]*\)-.*/\1/')"
  [ -f "$work/jmods/javafx.$m.jmod" ] && continue
  d="$work/fx/$m"; mkdir -p "$d/classes" "$d/libs"
  (cd "$d/classes" && "$jdk_home/bin/jar" xf "$j")
  find "$d/classes" -maxdepth 1 -type f \( -name '*.so' -o -name '*.dll' -o -name '*.dylib' \) -exec mv {} "$d/libs/" \;
  rm -rf "$d/classes/META-INF/substrate"
  libs_opt=(); [ -n "$(ls -A "$d/libs")" ] && libs_opt=(--libs "$d/libs")
  "$JMOD" create --class-path "$d/classes" "${libs_opt[@]}" "$work/jmods/javafx.$m.jmod"
  fx_modules="$fx_modules,javafx.$m"
done
[ -n "$fx_modules" ] || { echo "build.sh: no JavaFX platform jars (javafx-*-<os>.jar) in $lib" >&2; exit 4; }

# --- JDK modules: jdeps over every class of the class path (module-info stripped: some jars require modules we
#     do not ship, e.g. commons-compress -> commons-lang3), plus what is only reached reflectively --------------------
for j in "$app_jar" "$work/input/lib/"*.jar; do
  case "$(basename "$j")" in pytorch-native-*) continue ;; esac   # natives only, no classes
  (cd "$work/classes" && "$jdk_home/bin/jar" xf "$j") 2>/dev/null || true
done
find "$work/classes" \( -name 'module-info.class' -o -path '*/META-INF/versions' \) -prune -exec rm -rf {} + 2>/dev/null || true
find "$work/classes" -type f ! -name '*.class' -delete
jdk_modules="$("$JDEPS" --print-module-deps --ignore-missing-deps "$work/classes")"
# jdk.unsupported: sun.misc.Unsafe (protobuf, JavaFX, DJL); jdk.zipfs: zip file systems (DJL model archives);
# jdk.charsets: non-UTF-8 user locales; jdk.management: OS/memory beans; java.logging: ONNX Runtime's JUL logger.
extra="jdk.unsupported,jdk.zipfs,jdk.charsets,jdk.management,java.logging"
modules="$jdk_modules,$extra$fx_modules"
echo "$modules" | tr ',' '\n' | sort -u > "$work/modules.txt"
echo "build.sh: runtime modules: $(paste -sd, "$work/modules.txt")"

# --- Runtime image ----------------------------------------------------------------------------------------------
if [ "$os" = windows ]; then   # Git Bash: hand the native tools Windows paths (C:/...) where MSYS cannot tell
  module_path="$(cygpath -m "$work/jmods");$(cygpath -m "$jdk_home/jmods")"
else
  module_path="$work/jmods:$jdk_home/jmods"
fi
"$JLINK" --module-path "$module_path" --add-modules "$(paste -sd, "$work/modules.txt")" \
  --strip-debug --no-header-files --no-man-pages --strip-native-commands --compress=2 --output "$work/runtime"
t_runtime=$(date +%s)

# --- Descriptions ---------------------------------------------------------------------------------------------
if [ "$variant" = cuda ]; then
  summary="Real-time diffusion image generation (CUDA variant: needs NVIDIA CUDA 12 + cuDNN 9)"
  variant_text=" CUDA variant: ONNX Runtime with the CUDA provider. It needs an NVIDIA GPU and the
 user's CUDA 12 and cuDNN 9 runtime libraries (not included); without them the
 app says so and runs on the CPU. Replaces the CPU package of the same name."
else
  summary="Real-time diffusion image generation (CPU variant)"
  variant_text=" CPU variant: ONNX Runtime on the CPU, no GPU libraries needed. For NVIDIA GPUs
 use the CUDA variant (needs the user's CUDA 12 + cuDNN 9)."
fi

# --- Common jpackage options ---------------------------------------------------------------------------------------
# $APPDIR is expanded by the jpackage launcher to the app folder (/opt/streamcanvas/lib/app on Linux). The app looks
# for shipped models in <streamcanvas.home>/models (streamcanvas.models names that folder directly) and keeps its
# settings and data in the user's folders (app/settings/AppPaths), never here.
java_opts=(
  --java-options '-XX:MaxRAMPercentage=50'
  --java-options '-Dai.djl.offline=true'
  --java-options '-Dstreamcanvas.home=$APPDIR'
  --java-options '-Dstreamcanvas.models=$APPDIR/models'
  --java-options '-Dstreamcanvas.variant='"$variant"
  --java-options '-Dlogback.configurationFile=$APPDIR/conf/logback.xml'
)
bundle_version="$app_version"
if [ "$os" = macos ] && [ "${app_version%%.*}" = 0 ]; then
  # jpackage refuses a CFBundleVersion whose first number is 0; the .dmg is renamed back to the real version below
  bundle_version="1.0.0"
  echo "build.sh: macOS: bundle version $bundle_version stands in for $app_version (jpackage needs a major > 0)" >&2
fi
common=(
  --name "$name" --app-version "$bundle_version" --vendor "StreamCanvas project"
  --description "$summary" --copyright "Copyright 2026 the StreamCanvas authors. Apache-2.0."
  --icon "$icon"
)

# --- App image ----------------------------------------------------------------------------------------------------
image_args=(
  --type app-image "${common[@]}"
  --input "$work/input" --main-jar "$(basename "$app_jar")" --main-class dev.streamcanvas.app.Main
  --runtime-image "$work/runtime"
  "${java_opts[@]}" --dest "$dest"
)
case "$os" in
  macos) image_args+=(--mac-package-identifier dev.streamcanvas.app --mac-package-name StreamCanvas) ;;
  windows)
    # a second launcher with a console for the headless commands (streamcanvas-cli.exe --help)
    { cat "$pkg/windows/streamcanvas-cli.properties"; echo "icon=$(cygpath -m "$pkg/icons/streamcanvas.ico")"; } \
      > "$work/streamcanvas-cli.properties"
    image_args+=(--add-launcher "streamcanvas-cli=$work/streamcanvas-cli.properties") ;;
esac
echo "build.sh: jpackage --type app-image"
"$JPACKAGE" "${image_args[@]}"
t_image=$(date +%s)
image_dir="$(find "$dest" -mindepth 1 -maxdepth 1 -type d | head -1)"

# --- Installer ----------------------------------------------------------------------------------------------------
if [ "$type" != app-image ]; then
  inst=(--type "$type" "${common[@]}" --app-image "$image_dir" --license-file "$repo/LICENSE" --dest "$dest")
  case "$type" in
    deb|rpm)
      res="$work/resources"
      cp "$pkg/linux/postinst" "$pkg/linux/prerm" "$pkg/linux/streamcanvas.desktop" "$res/"
      awk -v t="$variant_text" '{ if ($0 == "@VARIANT_TEXT@") print t; else print }' "$pkg/linux/control" > "$res/control"
      awk -v t="$(echo "$variant_text" | sed 's/^ //')" '{ if ($0 == "@VARIANT_TEXT@") print t; else print }' \
        "$pkg/linux/streamcanvas.spec" > "$res/streamcanvas.spec"
      if [ "$type" = deb ]; then
        deps="libgtk-3-0 | libgtk-3-0t64, libv4l-0 | libv4l-0t64"
      else
        deps="gtk3, libv4l"
      fi
      inst+=(--resource-dir "$res" --install-dir /opt --linux-package-name streamcanvas --linux-app-release 1
        --linux-deb-maintainer maintainers@streamcanvas.dev
        --linux-menu-group Graphics --linux-app-category graphics --linux-shortcut
        --linux-rpm-license-type "ASL 2.0" --linux-package-deps "$deps")
      ;;
    msi|exe)
      # one upgrade code for both variants: installing one replaces the other
      inst+=(--win-upgrade-uuid 6f1f3c3e-52a4-4d0b-9c1e-5c2a7b8e9d10 --win-menu --win-menu-group StreamCanvas
        --win-shortcut --win-dir-chooser --win-per-user-install)
      ;;
    dmg|pkg)
      inst+=(--mac-package-identifier dev.streamcanvas.app --mac-package-name StreamCanvas)
      ;;
    *) echo "build.sh: unknown --type '$type'" >&2; exit 2 ;;
  esac
  echo "build.sh: jpackage --type $type"
  # dpkg-deb's default xz gains ~10% on this payload (mostly compressed jars) for ~20x the time: gzip unless asked
  DPKG_DEB_COMPRESSOR_TYPE="${DPKG_DEB_COMPRESSOR_TYPE:-gzip}" "$JPACKAGE" "${inst[@]}"
  if [ "$bundle_version" != "$app_version" ]; then
    for f in "$dest"/StreamCanvas-"$bundle_version".*; do [ -f "$f" ] && mv "$f" "${f/-$bundle_version./-$app_version.}"; done
  fi
  # the CUDA variant carries the same package name (they replace each other); its file says which it is
  if [ "$variant" = cuda ]; then
    for f in "$dest"/streamcanvas_*.deb "$dest"/streamcanvas-*.rpm "$dest"/StreamCanvas-*.msi "$dest"/StreamCanvas-*.exe "$dest"/StreamCanvas-*.dmg; do
      [ -f "$f" ] && mv "$f" "$(dirname "$f")/$(basename "$f" | sed 's/^\(streamcanvas\|StreamCanvas\)/\1-cuda/')"
    done
  fi
fi
t_end=$(date +%s)

# --- Report -------------------------------------------------------------------------------------------------------
size() { du -sh "$1" 2>/dev/null | cut -f1; }
echo "build.sh: variant=$variant os=$os type=$type training=$training"
echo "build.sh: runtime image $(size "$work/runtime"), app image $(size "$image_dir") ($image_dir)"
for f in "$dest"/*; do [ -f "$f" ] && echo "build.sh: installer $(size "$f") $f"; done
echo "build.sh: times: maven+runtime $((t_runtime - t_start)) s, app-image $((t_image - t_runtime)) s, installer $((t_end - t_image)) s, total $((t_end - t_start)) s"
