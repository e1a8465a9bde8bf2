import NTKEngine
print("entk-bench")
