fn main() {
    let url = std::env::args().nth(1).unwrap();
    let db = racine::Database::open(&url).unwrap();
    let item = db.create_item(&racine::NewItem::new("P", "P")).unwrap().id;
    let t = std::time::Instant::now();
    for _ in 0..200 {
        db.post(&racine::Movement::receipt(
            item,
            "1".parse().unwrap(),
            "1".parse().unwrap(),
        ))
        .unwrap();
    }
    println!("post {:?}", t.elapsed() / 200);
}
