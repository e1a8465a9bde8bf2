// `DataError`, `AtomicFile`, `AtomicFolder`, `RasterImage` and `PNGCodec` live in the small
// FileIO module so that Plotting can write its exports through the same atomic writer and PNG
// encoder without depending on the kernel library; NTKEngine's API speaks these types
// (loaders throw `DataError`, datasets read `RasterImage`s), so it re-exports them.
@_exported import FileIO
