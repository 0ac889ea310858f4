;; strings: build strings with string-append in loops, take lengths,
;; substrings and chars.
(define (build-csv n)                   ; "0,1,2,...,n-1," by repeated appends
  (let loop ((i 0) (s ""))
    (if (= i n)
        s
        (loop (+ i 1) (string-append s (number->string i) ",")))))

(define (labels n)                      ; total length of n short labels
  (let loop ((i 0) (total 0))
    (if (= i n)
        total
        (let ((s (string-append "item-" (number->string i) ":"
                                (number->string (* i 7)) ";")))
          (loop (+ i 1) (+ total (string-length s)))))))

(define (one-round r)
  (let* ((s (build-csv 2000))
         (len (string-length s))
         (mid (string-ref s (quotient len 2)))
         (sub (substring s 100 200))
         (same (if (string=? sub (substring s 100 200)) 1 0)))
    (+ len (char->integer mid) (string-length sub) same (labels 2000) r)))

(define (repeat k acc)
  (if (= k 0)
      acc
      (repeat (- k 1) (+ acc (one-round k)))))

(display "strings ") (display (repeat 200 0)) (newline)
