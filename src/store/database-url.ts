// Tells a PostgreSQL URL (cluster mode) from a SQLite file path, without loading either driver.
export const isPostgresUrl = (value: string): boolean => /^postgres(ql)?:\/\//.test(value);
