fn main() {
    std::process::exit(twelve_lint::cli::main());
}
