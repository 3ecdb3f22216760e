func x() {}
