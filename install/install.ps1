# Install a twelve-lint release binary on Windows (x86_64; Arm64 runs it emulated):
#
#   powershell -ExecutionPolicy Bypass -c "irm https://github.com/twelve-lint/twelve-lint/releases/latest/download/install.ps1 | iex"
#   .\install.ps1 -Version v0.1.0 -To "$env:USERPROFILE\.twelve-lint\bin"
#
# Downloads the zip archive, checks it against the release's `.sha256` file and puts
# twelve-lint.exe in the target directory. TWELVE_LINT_RELEASES names another release
# location laid out like GitHub's. The counterpart of install.sh.
param(
    [string]$Version = "latest",
    [string]$To = $(if ($env:TWELVE_LINT_INSTALL_DIR) { $env:TWELVE_LINT_INSTALL_DIR } else { Join-Path $HOME ".twelve-lint\bin" })
)
$ErrorActionPreference = "Stop"

$releases = if ($env:TWELVE_LINT_RELEASES) { $env:TWELVE_LINT_RELEASES } else { "https://github.com/twelve-lint/twelve-lint/releases" }
$asset = "twelve-lint-x86_64-pc-windows-msvc.zip"
$url = switch -Regex ($Version) {
    "^latest$" { "$releases/latest/download/$asset" }
    "^v" { "$releases/download/$Version/$asset" }
    default { "$releases/download/v$Version/$asset" }
}

$tmp = Join-Path ([System.IO.Path]::GetTempPath()) ("twelve-lint-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $tmp | Out-Null
try {
    $zip = Join-Path $tmp $asset
    Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $zip
    Invoke-WebRequest -UseBasicParsing -Uri "$url.sha256" -OutFile "$zip.sha256"
    $expected = ((Get-Content "$zip.sha256" -Raw) -split "\s+")[0].ToLowerInvariant()
    $actual = (Get-FileHash -Algorithm SHA256 $zip).Hash.ToLowerInvariant()
    if (-not $expected -or $expected -ne $actual) {
        throw "twelve-lint install: checksum mismatch for ${asset}: expected '$expected', got '$actual'"
    }
    Expand-Archive -Path $zip -DestinationPath (Join-Path $tmp "out")
    New-Item -ItemType Directory -Force -Path $To | Out-Null
    Move-Item -Force (Join-Path $tmp "out\twelve-lint.exe") (Join-Path $To "twelve-lint.exe")
    Write-Output "twelve-lint: installed $(& (Join-Path $To 'twelve-lint.exe') --version) in $To (sha256 $actual)"
    if (-not (($env:PATH -split ";") -contains $To)) {
        Write-Warning "twelve-lint: add $To to PATH"
    }
}
finally {
    Remove-Item -Recurse -Force $tmp
}
