// Placeholder entry until the call UI lands.
export {}
