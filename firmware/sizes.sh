#!/usr/bin/env bash
# Builds every firmware image for both cores, runs each script image under QEMU for its stack
# high-water mark, and prints the size and memory table of docs/FIRMWARE.md. Exits 1 when the
# Cortex-M0 application image's flash (.text + .rodata + .data) passes FLASH_LIMIT bytes.
# Needs qemu-system-arm and defmt-print (scripts/test installs them).
set -euo pipefail
cd "$(dirname "$0")/qemu"

# The target for the whole tag application on a Cortex-M0 is 24 KiB, and this check fails past
# 32 KiB (docs/FIRMWARE.md says what takes the space).
TARGET=$((24 * 1024))
FLASH_LIMIT=${FLASH_LIMIT:-$((32 * 1024))}

size="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-size"

machine() {
  case "$1" in
    thumbv6m-none-eabi) echo "-M microbit -global nrf51-soc.sram-size=65536" ;;
    *) echo "-M mps2-an386" ;;
  esac
}

# Section sizes of an ELF file: text rodata data bss.
sections() {
  "$size" -A "$1" | awk '
    $1 == ".vector_table" || $1 == ".text" { text += $2 }
    $1 == ".rodata" { rodata = $2 }
    $1 == ".data" { data = $2 }
    $1 == ".bss" || $1 == ".uninit" { bss += $2 }
    END { print text + 0, rodata + 0, data + 0, bss + 0 }'
}

echo "| target | image | .text | .rodata | .data | .bss | flash | stack high-water | RAM |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
m0_flash=0
for target in thumbv6m-none-eabi thumbv7em-none-eabihf; do
  for image in application script script+verify script+signatures; do
    bin="${image%%+*}"
    features=""
    [[ "$image" == *+* ]] && features="${image#*+}"
    cargo build --release --locked --quiet --target "$target" --bin "$bin" --features "$features"
    elf="target/$target/release/$bin"
    read -r text rodata data bss < <(sections "$elf")
    flash=$((text + rodata + data))
    stack="—"
    ram="—"
    if [[ "$bin" == script ]]; then
      # shellcheck disable=SC2046
      log="$(timeout 120 qemu-system-arm $(machine "$target") -nographic -monitor none \
        -serial none -semihosting-config enable=on,target=native -kernel "$elf" \
        | defmt-print -e "$elf")"
      stack="$(sed -n 's/.*stack \([0-9]*\) of [0-9]*.*/\1/p' <<<"$log")"
      [[ -n "$stack" ]] || { echo "$elf did not report its stack:" >&2; echo "$log" >&2; exit 1; }
      ram=$((data + bss + stack))
    fi
    if [[ "$target" == thumbv6m-none-eabi && "$image" == application ]]; then
      m0_flash=$flash
    fi
    echo "| \`$target\` | $image | $text | $rodata | $data | $bss | $flash | $stack | $ram |"
  done
done

echo
echo "Cortex-M0 application: $m0_flash bytes of flash; target $TARGET, limit $FLASH_LIMIT."
if ((m0_flash > FLASH_LIMIT)); then
  echo "The Cortex-M0 application image passes its flash limit of $FLASH_LIMIT bytes." >&2
  exit 1
fi
