#!/usr/bin/env bash
# Build real programs from pinned Debian source packages with Debian
# unstable's toolchain (scripts/sid-run.sh); zlib and bzip2 six times
# each: with APX ("gcc -O2
# -mapxf -static"), with APX for x86-64-v3 ("-O2 -march=x86-64-v3 -mapxf",
# where gcc encodes a vector instruction that addresses R16-R31 with EVEX),
# for x86-64-v4 with and without APX ("-O3 -march=x86-64-v4 [-mapxf]":
# AVX-512 vector code) and without either ("gcc -O2 -static"), so that
# their own test suites (tests/real/run-tests.sh) can run under
# qemu-x86_64; and "-O3 -march=x86-64-v3" for scripts/bench-avx512.py to
# compare with the v4 build.  xxhash, lzo2 and lz4 only natively (legacy)
# and for x86-64-v4 with and without APX (and xxhash for v3, for the
# benchmark): VARIANTS_OF.
# Usage: tests/real/build.sh [PROG...]     PROG: zlib bzip2 xxhash lzo2 lz4 (default: all)
# Sources are downloaded once into $APX_CACHE/real-src (the .dsc's SHA-256 is
# pinned below; dpkg-source checks the tarballs against it).  Each variant is
# unpacked and built in build/real/PROG/VARIANT/src, its static binaries are
# copied to build/real/PROG/VARIANT/ with an "objdump -dw" listing (.dis)
# next to them.  A stamp skips a variant that is already built from the same
# package, flags, compiler and recipe; a copy of each build under
# $APX_CACHE/real-src/builds serves another checkout on the machine.
# Logs: build/real/PROG/VARIANT/build.log.
# Prints the path of every binary, one per line.
# shellcheck source-path=SCRIPTDIR source=../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

# PROG -> source package, version, SHA-256 of its .dsc.  Debian 13 (trixie)
# versions, which are also in unstable; see usage above to re-pin.
declare -A PKG VER DSC_SHA256 BINS
PKG[zlib]=zlib
VER[zlib]=1:1.3.dfsg+really1.3.1-1
DSC_SHA256[zlib]=ede2791e29c1d3b422f9208bdd7edf040c20445ea1e7453a72037576e64fa197
BINS[zlib]="example minigzip infcover"
PKG[bzip2]=bzip2
VER[bzip2]=1.0.8-6
DSC_SHA256[bzip2]=cd3bfd77254a6b5ef1be144bdc90a0dd374bc8206afd98ba4abf828741b79820
BINS[bzip2]="bzip2 bzip2recover"
# xxhsum picks its XXH3 code at run time by CPUID (xxh_x86dispatch.c):
# scalar, SSE2, AVX2 or hand-written AVX512F intrinsics
PKG[xxhash]=xxhash
VER[xxhash]=0.8.3-2
DSC_SHA256[xxhash]=9d1f7aaace7871fbdb8775d756c6eaca84e6ad5d8e9c6ac465b7e0adc06ff90c
BINS[xxhash]="xxhsum sanity_test"
PKG[lzo2]=lzo2
VER[lzo2]=2.10-3
DSC_SHA256[lzo2]=d3efa3ce5107bafda50ca2769e4ad896a34f7ed0b70600c1d986d6937898786c
BINS[lzo2]="lzotest-prog align chksum simple testmini lzopack"
PKG[lz4]=lz4
VER[lz4]=1.10.0-4
DSC_SHA256[lz4]=394c635aa75a21cd5896680e48821c05336645072ae866b2717d53f36b9ba851
BINS[lz4]="lz4 datagen fuzzer frametest"
# the variants each program is built in (default: all of VARIANTS)
declare -A VARIANTS_OF=([xxhash]="legacy v4 apxv4 v3" [lzo2]="legacy v4 apxv4"
                        [lz4]="legacy v4 apxv4")

declare -A CFLAGS_OF=([apx]="-O2 -mapxf" [legacy]="-O2"
                      [apxv3]="-O2 -march=x86-64-v3 -mapxf"
                      [v4]="-O3 -march=x86-64-v4"
                      [apxv4]="-O3 -march=x86-64-v4 -mapxf"
                      [v3]="-O3 -march=x86-64-v3")
VARIANTS=(apx legacy apxv3 v4 apxv4 v3)

dl=$APX_CACHE/real-src
out=$APX_BUILD/real
self_hash=$(sha256sum "$0" | cut -d' ' -f1)

# dsc_path PROG: where the package's .dsc is cached.
dsc_path() {
    local v=${VER[$1]#*:}
    echo "$dl/${PKG[$1]}_$v.dsc"
}

dsc_ok() {
    local dsc
    dsc=$(dsc_path "$1")
    [ -f "$dsc" ] && echo "${DSC_SHA256[$1]}  $dsc" | sha256sum --status -c -
}

# fetch PROG: download the pinned source package into $dl unless it is there.
fetch() {
    local prog=$1 pkg=${PKG[$1]} ver=${VER[$1]} versions got
    dsc_ok "$prog" && return 0
    need_root "downloading Debian source packages"
    mkdir -p "$dl"
    # A private apt configuration (scripts/lib.sh) with Debian's source
    # indices; the system's apt state is left alone.
    cat >"$dl/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates sid
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt_private real-src "$dl/debian-src.sources"
    apt_private_update real-src
    versions=$(apt-cache "${APT_PRIVATE[@]}" showsrc "$pkg" 2>/dev/null |
               sed -n 's/^Version: //p' | sort -uV)
    if ! grep -qxF "$ver" <<<"$versions"; then
        die "Debian's archive no longer has $pkg $ver (it has: $(tr '\n' ' ' <<<"$versions"| sed 's/ $//')); re-pin VER[$prog] and DSC_SHA256[$prog] in $0."
    fi
    note "downloading $pkg $ver into $dl"
    (cd "$dl" && apt-get "${APT_PRIVATE[@]}" -q source --download-only "$pkg=$ver" \
         >"$dl/$pkg.download.log" 2>&1) ||
        die "downloading $pkg $ver failed (see $dl/$pkg.download.log)."
    if ! dsc_ok "$prog"; then
        got=$(sha256sum "$(dsc_path "$prog")" 2>/dev/null | cut -d' ' -f1)
        rm -f "$(dsc_path "$prog")"
        die "checksum mismatch for $(basename "$(dsc_path "$prog")"): expected ${DSC_SHA256[$prog]}, got ${got:-nothing}; the file was removed."
    fi
}

# build_cmd PROG: the shell commands, run in the unpacked source with $CFLAGS
# set, that leave the static binaries BINS[PROG] in the source directory.
# Only objects come from the packages' makefiles; the binaries are linked
# here, because Debian's bzip2 makefile links bzip2 with the shared library
# and zlib's links infcover without LDFLAGS.
build_cmd() {
    case $1 in
    zlib) cat <<'EOF'
CC=gcc CFLAGS="$CFLAGS" ./configure --static
make libz.a example.o minigzip.o infcover.o
for b in example minigzip infcover; do
    gcc $CFLAGS -static -o $b $b.o libz.a
done
EOF
    ;;
    bzip2) cat <<'EOF'
make CC=gcc CFLAGS="-Wall -Winline $CFLAGS -D_FILE_OFFSET_BITS=64" libbz2.a bzip2.o bzip2recover.o
gcc $CFLAGS -static -o bzip2 bzip2.o libbz2.a
gcc $CFLAGS -static -o bzip2recover bzip2recover.o
EOF
    ;;
    xxhash) cat <<'EOF'
make CC=gcc CFLAGS="$CFLAGS" LDFLAGS=-static DISPATCH=1 xxhsum
gcc $CFLAGS -static -o sanity_test tests/sanity_test.c
EOF
    ;;
    lzo2) cat <<'EOF'
# configure runs the programs it compiles: not with -mapxf on this host
CC=gcc CFLAGS=-O2 ./configure --disable-shared --enable-static
make CFLAGS="$CFLAGS" LDFLAGS=-all-static lzotest/lzotest tests/align tests/chksum \
    examples/simple minilzo/testmini examples/lzopack
cp lzotest/lzotest lzotest-prog    # lzotest/ is a directory
for t in tests/align tests/chksum examples/simple minilzo/testmini \
         examples/lzopack; do
    cp "$t" "${t##*/}"
done
EOF
    ;;
    lz4) cat <<'EOF'
# the makefiles put -O3 before $CFLAGS (from the environment)
make -C programs LDFLAGS=-static lz4
make -C tests LDFLAGS=-static datagen fuzzer frametest
cp programs/lz4 tests/datagen tests/fuzzer tests/frametest .
EOF
    ;;
    *) die "unknown program $1" ;;
    esac
}

# apx_count DIS: instructions with an APX encoding in an objdump -dw listing:
# a REX2 prefix (d5) or an EVEX prefix (62) whose map field is 4.
apx_count() {
    awk -F'\t' 'NF >= 3 && $1 ~ /^ *[0-9a-f]+:$/ {
                    n = split($2, b, " "); i = 1
                    while (i < n && b[i] ~ /^(66|67|f0|f2|f3|2e|3e|26|36|64|65)$/) i++
                    if (b[i] == "d5" || (b[i] == "62" && i < n &&
                        index("4c", substr(b[i + 1], 2, 1)) > 0)) c++
                } END { print c + 0 }' "$1"
}

# build PROG VARIANT
build() {
    local prog=$1 variant=$2 dir=$out/$1/$2 cflags=${CFLAGS_OF[$2]} recipe b t0 t1 n
    recipe="${PKG[$prog]} ${VER[$prog]} cflags=$cflags script=$self_hash $gcc_version"
    if [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$recipe" ]; then
        for b in ${BINS[$prog]}; do echo "$dir/$b"; done
        return 0
    fi
    # A build of the same recipe in the cache (like ccache, outside the
    # checkout: a fresh clone on this machine need not build it again)
    local cached=$dl/builds/$prog/$variant
    if [ "$(cat "$cached/.stamp" 2>/dev/null)" = "$recipe" ]; then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        cp -a "$cached" "$dir"
        for b in ${BINS[$prog]}; do echo "$dir/$b"; done
        return 0
    fi
    fetch "$prog"
    rm -rf "$dir"
    mkdir -p "$dir"
    local log=$dir/build.log
    note "building $prog (${PKG[$prog]} ${VER[$prog]}) $variant: gcc $cflags -static (log: ${log#"$APX_TOP"/})"
    t0=$(date +%s%N)
    dpkg-source --no-copy -x "$(dsc_path "$prog")" "$dir/src" >"$log" 2>&1 ||
        die "unpacking ${PKG[$prog]} ${VER[$prog]} failed (see $log)."
    # shellcheck disable=SC2016 # $CFLAGS is expanded by the inner sh
    "$APX_TOP/scripts/sid-run.sh" -C "$dir/src" env CFLAGS="$cflags" \
        sh -exc "$(build_cmd "$prog")" >>"$log" 2>&1 ||
        die "building $prog $variant failed (see $log)."
    for b in ${BINS[$prog]}; do
        cp "$dir/src/$b" "$dir/$b"
        "$APX_TOP/scripts/sid-run.sh" -C "$dir" objdump -dw "$b" >"$dir/$b.dis" ||
            die "objdump of $dir/$b failed."
        "$APX_TOP/scripts/sid-run.sh" -C "$dir" file "$b" | grep -q 'statically linked' ||
            die "$dir/$b is not statically linked (see $log)."
        n=$(apx_count "$dir/$b.dis")
        printf '%s: %s instructions with an APX encoding\n' "$b" "$n" >>"$log"
        # glibc and libgcc are not built with -mapxf: APX code comes only
        # from the package, and must come from it in the APX variants.
        if [[ " $cflags " == *" -mapxf "* ]] && [ "$n" = 0 ]; then
            die "$dir/$b has no APX instruction although it was built with -mapxf."
        fi
    done
    t1=$(date +%s%N)
    printf '%d.%01d\n' $(((t1 - t0) / 1000000000)) $(((t1 - t0) / 100000000 % 10)) >"$dir/build-time"
    note "$prog $variant built in $(cat "$dir/build-time")s"
    echo "$recipe" >"$dir/.stamp"
    rm -rf "$cached"
    mkdir -p "$(dirname "$cached")"
    cp -a "$dir" "$cached.new" && mv "$cached.new" "$cached"
    for b in ${BINS[$prog]}; do echo "$dir/$b"; done
}

progs=("$@")
[ ${#progs[@]} -gt 0 ] || progs=(zlib bzip2 xxhash lzo2 lz4)
for p in "${progs[@]}"; do
    [ -n "${PKG[$p]:-}" ] || die "unknown program '$p'; known: ${!PKG[*]}"
done
command -v dpkg-source >/dev/null || die "dpkg-source is missing (apt-get install dpkg-dev)."
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
# the compiler is part of a build's recipe (the sid root may be renewed)
gcc_version=$("$APX_TOP/scripts/sid-run.sh" gcc -dumpfullversion) ||
    die "no gcc in the Debian unstable root."
for p in "${progs[@]}"; do
    for v in ${VARIANTS_OF[$p]:-${VARIANTS[*]}}; do
        build "$p" "$v"
    done
done
