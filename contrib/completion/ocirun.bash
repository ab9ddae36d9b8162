# bash completion for ocirun -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install: copy to /usr/share/bash-completion/completions/ocirun, or `source` it.
# Options mirror the tables in src/ocirun.c (global) and src/cli/*.c (per command);
# keep them in step when a flag is added.

# Global options that take a value.
_ocirun_global_valued="--root --log --log-format --rootless --criu"
_ocirun_global_opts="--root --log --log-format --debug --systemd-cgroup --rootless --criu
  --version -v --help -h"
_ocirun_commands="create start run state kill delete list ps pause resume update events spec
  features exec check checkpoint restore help"

# Per-command flags (bool and valued), from each command's cli_option table.
_ocirun_cmd_opts() {
  case "$1" in
  create) echo "--bundle -b --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds --help -h" ;;
  run) echo "--bundle -b --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds
    --detach -d --keep --no-subreaper --help -h" ;;
  delete) echo "--force -f --help -h" ;;
  events) echo "--interval --stats --help -h" ;;
  exec) echo "--process -p --detach -d --pid-file --console-socket --tty -t --cwd --env -e
    --user -u --additional-gids -g --cap -c --no-new-privs --preserve-fds --process-label
    --apparmor --cgroup --ignore-paused --help -h" ;;
  kill) echo "--all -a --help -h" ;;
  list) echo "--format -f --quiet -q --help -h" ;;
  ps) echo "--format -f --help -h" ;;
  check) echo "--bundle -b --format -f --help -h" ;;
  spec) echo "--bundle -b --rootless --help -h" ;;
  update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-shares
    --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --kernel-memory
    --kernel-memory-tcp --memory --memory-reservation --memory-swap --pids-limit
    --l3-cache-schema --mem-bw-schema --help -h" ;;
  checkpoint) echo "--image-path --work-path --parent-path --leave-running --tcp-established
    --tcp-skip-in-flight --link-remap --ext-unix-sk --shell-job --lazy-pages --status-fd
    --page-server --file-locks --pre-dump --manage-cgroups-mode --empty-ns --auto-dedup --help -h" ;;
  restore) echo "--console-socket --image-path --work-path --tcp-established --ext-unix-sk
    --shell-job --file-locks --manage-cgroups-mode --bundle -b --detach -d --pid-file
    --no-subreaper --no-pivot --empty-ns --auto-dedup --lazy-pages --parent-path --lsm-profile
    --lsm-mount-context --help -h" ;;
  start | state | pause | resume | features) echo "--help -h" ;;
  esac
}

# Per-command flags that take a value (the next word is not a positional argument).
_ocirun_cmd_valued() {
  case "$1" in
  create | run) echo "--bundle -b --console-socket --pid-file --preserve-fds" ;;
  events) echo "--interval" ;;
  exec) echo "--process -p --pid-file --console-socket --cwd --env -e --user -u
    --additional-gids -g --cap -c --preserve-fds --process-label --apparmor --cgroup" ;;
  list | ps) echo "--format -f" ;;
  check) echo "--bundle -b --format -f" ;;
  spec) echo "--bundle -b" ;;
  checkpoint) echo "--image-path --work-path --parent-path --status-fd --page-server
    --manage-cgroups-mode --empty-ns" ;;
  restore) echo "--console-socket --image-path --work-path --manage-cgroups-mode --bundle -b
    --pid-file --empty-ns --parent-path --lsm-profile --lsm-mount-context" ;;
  update) echo "--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-share --cpu-shares
    --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --kernel-memory
    --kernel-memory-tcp --memory --memory-reservation --memory-swap --pids-limit
    --l3-cache-schema --mem-bw-schema" ;;
  esac
}

# Word $1 is in the space/newline separated list $2 (an `--opt=value` word never is).
_ocirun_in() {
  local w
  for w in $2; do
    [[ $w == "$1" ]] && return 0
  done
  return 1
}

# Container IDs: the directories under the state root.
_ocirun_ids() {
  local root=$1 d
  [[ -d $root ]] || return 0
  for d in "$root"/*/; do
    [[ -d $d ]] || continue
    d=${d%/}
    printf '%s\n' "${d##*/}"
  done
}

_ocirun() {
  local cur prev i w cmd="" cmd_idx=0 root="" npos=0
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

  # Find the command (first non-option word after the globals) and a --root.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case "$w" in
    --root=* | -root=*) root=${w#*=} ;;
    --root | -root) ((i + 1 < COMP_CWORD)) && root=${COMP_WORDS[i + 1]} ;;
    esac
    if [[ $w == -* ]]; then
      _ocirun_in "$w" "$_ocirun_global_valued" && ((i++))
      continue
    fi
    cmd=$w
    cmd_idx=$i
    break
  done

  if [[ -z $root ]]; then
    if [[ $EUID -ne 0 && -n $XDG_RUNTIME_DIR ]]; then
      root=$XDG_RUNTIME_DIR/ocirun
    else
      root=/run/ocirun
    fi
  fi
  root=${root/#\~/$HOME}

  # Still among the global options.
  if [[ -z $cmd ]]; then
    case "$prev" in
    --root | --criu) COMPREPLY=($(compgen -d -- "$cur")); return 0 ;;
    --log) COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return 0 ;;
    --rootless) COMPREPLY=($(compgen -W "true false auto" -- "$cur")); return 0 ;;
    esac
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$_ocirun_global_opts" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$_ocirun_commands" -- "$cur"))
    fi
    return 0
  fi

  # Values of the command's own flags.
  case "$prev" in
  --bundle | -b | --cwd | --image-path | --work-path | --parent-path)
    COMPREPLY=($(compgen -d -- "$cur"))
    return 0
    ;;
  --manage-cgroups-mode) COMPREPLY=($(compgen -W "soft full strict ignore" -- "$cur")); return 0 ;;
  --empty-ns) COMPREPLY=($(compgen -W "network" -- "$cur")); return 0 ;;
  --console-socket | --pid-file | --process | -p | --resources | -r)
    if [[ $cmd != list && $cmd != ps ]] || [[ $prev != -p ]]; then
      COMPREPLY=($(compgen -f -- "$cur"))
      [[ $prev == --resources || $prev == -r ]] && COMPREPLY+=($(compgen -W "-" -- "$cur"))
      return 0
    fi
    ;;
  --format | -f)
    if [[ $cmd == list || $cmd == ps || $cmd == check ]]; then
      COMPREPLY=($(compgen -W "table json" -- "$cur"))
      return 0
    fi
    ;;
  esac
  if _ocirun_in "$prev" "$(_ocirun_cmd_valued "$cmd")"; then
    return 0 # a free-form value: nothing to offer
  fi

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_ocirun_cmd_opts "$cmd")" -- "$cur"))
    return 0
  fi

  # Count the positional arguments already given after the command.
  local valued
  valued=$(_ocirun_cmd_valued "$cmd")
  for ((i = cmd_idx + 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      _ocirun_in "$w" "$valued" && ((i++))
      continue
    fi
    ((npos++))
  done

  case "$cmd" in
  start | state | delete | ps | pause | resume | update | events | exec | checkpoint)
    ((npos == 0)) && COMPREPLY=($(compgen -W "$(_ocirun_ids "$root")" -- "$cur"))
    ;;
  kill)
    if ((npos == 0)); then
      COMPREPLY=($(compgen -W "$(_ocirun_ids "$root")" -- "$cur"))
    elif ((npos == 1)); then
      COMPREPLY=($(compgen -W "TERM KILL INT HUP QUIT USR1 USR2 STOP CONT
        SIGTERM SIGKILL SIGINT SIGHUP SIGQUIT SIGUSR1 SIGUSR2 SIGSTOP SIGCONT" -- "$cur"))
    fi
    ;;
  help)
    ((npos == 0)) && COMPREPLY=($(compgen -W "$_ocirun_commands" -- "$cur"))
    ;;
  esac
  return 0
}

complete -F _ocirun ocirun
