import NTKEngine
print("entk \(NTKEngine.version)")
