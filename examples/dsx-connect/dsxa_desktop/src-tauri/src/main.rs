fn main() {
    println!("DSXA Desktop {}", env!("CARGO_PKG_VERSION"));
}
